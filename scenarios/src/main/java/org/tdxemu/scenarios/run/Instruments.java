package org.tdxemu.scenarios.run;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.tdxemu.scenarios.trace.TraceRecorder;
import org.tdxemu.seamcall.Seamcall;

/**
 * What a run is watched with: a trace recorder, the pool host memory takes its buffers from, and
 * a wrapper around the module on its side of the fault injector (it sees what the module was
 * really asked and answered).
 */
public record Instruments(Optional<TraceRecorder> trace, ByteBufAllocator allocator,
                          UnaryOperator<Seamcall> moduleSide) {

    public static final Instruments NONE = new Instruments(Optional.empty(), PooledByteBufAllocator.DEFAULT,
            UnaryOperator.identity());

    public static Instruments traced(TraceRecorder recorder) {
        return new Instruments(Optional.of(recorder), PooledByteBufAllocator.DEFAULT, UnaryOperator.identity());
    }
}
