package org.tdxemu.scenarios.trace;

import java.util.Arrays;
import org.tdxemu.seamcall.memory.ForwardingMemory;
import org.tdxemu.seamcall.memory.PhysicalMemory;

/** Host memory that tells a {@link TraceRecorder} every write it makes. */
final class RecordingMemory extends ForwardingMemory {

    private final TraceRecorder recorder;

    RecordingMemory(PhysicalMemory memory, TraceRecorder recorder) {
        super(memory);
        this.recorder = recorder;
    }

    private void record(long pa, long value, int width) {
        byte[] bytes = new byte[width];
        for (int i = 0; i < width; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        recorder.written(pa, bytes, 0, width);
    }

    @Override
    public void write8(long pa, int value) {
        super.write8(pa, value);
        record(pa, value, 1);
    }

    @Override
    public void write16(long pa, int value) {
        super.write16(pa, value);
        record(pa, value, 2);
    }

    @Override
    public void write32(long pa, long value) {
        super.write32(pa, value);
        record(pa, value, 4);
    }

    @Override
    public void write64(long pa, long value) {
        super.write64(pa, value);
        record(pa, value, 8);
    }

    @Override
    public void write(long pa, byte[] source, int offset, int length) {
        super.write(pa, source, offset, length);
        recorder.written(pa, source, offset, length);
    }

    @Override
    public void fill(long pa, long length, byte value) {
        super.fill(pa, length, value);
        if (value == 0 && length > TraceRecorder.LARGEST_RECORDED_FILL) {
            return;
        }
        byte[] chunk = new byte[(int) Math.min(length, TraceRecorder.LARGEST_RECORDED_FILL)];
        Arrays.fill(chunk, value);
        for (long done = 0; done < length; done += chunk.length) {
            recorder.written(pa + done, chunk, 0, (int) Math.min(chunk.length, length - done));
        }
    }

    @Override
    public void fill(long pa, long length, byte[] pattern) {
        super.fill(pa, length, pattern);
        boolean zeros = true;
        for (byte b : pattern) {
            zeros &= b == 0;
        }
        if (zeros && length > TraceRecorder.LARGEST_RECORDED_FILL) {
            return;
        }
        for (long done = 0; done < length; done += TraceRecorder.LARGEST_RECORDED_FILL) {
            int n = (int) Math.min(TraceRecorder.LARGEST_RECORDED_FILL, length - done);
            recorder.written(pa + done, memory.read(pa + done, n), 0, n);
        }
    }

    @Override
    public void copy(long sourcePa, long destinationPa, long length) {
        super.copy(sourcePa, destinationPa, length);
        for (long done = 0; done < length; done += TraceRecorder.LARGEST_RECORDED_FILL) {
            int n = (int) Math.min(TraceRecorder.LARGEST_RECORDED_FILL, length - done);
            recorder.written(destinationPa + done, memory.read(destinationPa + done, n), 0, n);
        }
    }
}
