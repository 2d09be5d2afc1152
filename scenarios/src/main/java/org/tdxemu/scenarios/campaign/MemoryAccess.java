package org.tdxemu.scenarios.campaign;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.UnbackedAddressException;

/**
 * One access of the kernel to host memory, as a value: what was asked ({@code kind}, {@code pa},
 * {@code size}, and for writes what was written) and, once done, what came back. The fault
 * campaign's clean run keeps its kernel's accesses in order, so that a faulted run can be checked
 * against them access by access, and answered from them.
 *
 * @param kind      which method of {@link PhysicalMemory}
 * @param pa        the address; for {@link Kind#COPY}, the source
 * @param size      the width of a scalar access, the length of the others
 * @param argument  the value a scalar write stores (its low {@code size} bytes); a copy's destination
 * @param data      the bytes a write stores, the pattern a fill repeats
 * @param result    what a scalar read or {@code isBacked} (1 or 0) returned
 * @param bytesRead what a read of bytes returned
 * @param unbacked  the address the access failed at with {@link UnbackedAddressException}, or -1
 */
record MemoryAccess(Kind kind, long pa, long size, long argument, byte[] data, long result, byte[] bytesRead,
                    long unbacked) {

    enum Kind { READ, WRITE, READ_BYTES, WRITE_BYTES, FILL, COPY, IS_BACKED }

    private static final long NONE = -1;

    static MemoryAccess read(long pa, int width) {
        return request(Kind.READ, pa, width, 0, null);
    }

    static MemoryAccess write(long pa, int width, long value) {
        return request(Kind.WRITE, pa, width, width == Long.BYTES ? value : value & ((1L << (8 * width)) - 1), null);
    }

    static MemoryAccess readBytes(long pa, int length) {
        return request(Kind.READ_BYTES, pa, length, 0, null);
    }

    static MemoryAccess writeBytes(long pa, byte[] source, int offset, int length) {
        return request(Kind.WRITE_BYTES, pa, length, 0, Arrays.copyOfRange(source, offset, offset + length));
    }

    static MemoryAccess fill(long pa, long length, byte[] pattern) {
        return request(Kind.FILL, pa, length, 0, pattern.clone());
    }

    static MemoryAccess copy(long sourcePa, long destinationPa, long length) {
        return request(Kind.COPY, sourcePa, length, destinationPa, null);
    }

    static MemoryAccess isBacked(long pa, long length) {
        return request(Kind.IS_BACKED, pa, length, 0, null);
    }

    private static MemoryAccess request(Kind kind, long pa, long size, long argument, byte[] data) {
        return new MemoryAccess(kind, pa, size, argument, data, 0, null, NONE);
    }

    /** Whether {@code other} asks for the same thing, results aside. */
    boolean asksLike(MemoryAccess other) {
        return kind == other.kind && pa == other.pa && size == other.size && argument == other.argument
                && Arrays.equals(data, other.data);
    }

    /** Whether {@code other} also came to the same results. */
    boolean cameToTheSameAs(MemoryAccess other) {
        return asksLike(other) && result == other.result && Arrays.equals(bytesRead, other.bytesRead)
                && unbacked == other.unbacked;
    }

    /** This access done on {@code memory}: this request with its results. */
    MemoryAccess doneOn(PhysicalMemory memory) {
        try {
            return switch (kind) {
                case READ -> withResult(switch ((int) size) {
                    case 1 -> memory.read8(pa);
                    case 2 -> memory.read16(pa);
                    case 4 -> memory.read32(pa);
                    default -> memory.read64(pa);
                });
                case WRITE -> {
                    switch ((int) size) {
                        case 1 -> memory.write8(pa, (int) argument);
                        case 2 -> memory.write16(pa, (int) argument);
                        case 4 -> memory.write32(pa, argument);
                        default -> memory.write64(pa, argument);
                    }
                    yield this;
                }
                case READ_BYTES -> new MemoryAccess(kind, pa, size, argument, data, 0, memory.read(pa, (int) size), NONE);
                case WRITE_BYTES -> {
                    memory.write(pa, data);
                    yield this;
                }
                case FILL -> {
                    if (data.length == 1) {
                        memory.fill(pa, size, data[0]);
                    } else {
                        memory.fill(pa, size, data);
                    }
                    yield this;
                }
                case COPY -> {
                    memory.copy(pa, argument, size);
                    yield this;
                }
                case IS_BACKED -> withResult(memory.isBacked(pa, size) ? 1 : 0);
            };
        } catch (UnbackedAddressException e) {
            return new MemoryAccess(kind, pa, size, argument, data, 0, null, e.address());
        }
    }

    private MemoryAccess withResult(long value) {
        return new MemoryAccess(kind, pa, size, argument, data, value, null, NONE);
    }

    /** The scalar a done read returned, or its failure again. */
    long value() {
        throwIfUnbacked();
        return result;
    }

    /** The bytes a done read returned, or its failure again. */
    byte[] bytes() {
        throwIfUnbacked();
        return bytesRead.clone();
    }

    void throwIfUnbacked() {
        if (unbacked != NONE) {
            throw new UnbackedAddressException(unbacked);
        }
    }

    /** Host memory whose every access is handed to {@code accesses} as a request and answered by what it returns. */
    static PhysicalMemory memory(UnaryOperator<MemoryAccess> accesses) {
        return new AccessingMemory(accesses);
    }

    private record AccessingMemory(UnaryOperator<MemoryAccess> accesses) implements PhysicalMemory {

        @Override
        public int read8(long pa) {
            return (int) accesses.apply(MemoryAccess.read(pa, 1)).value();
        }

        @Override
        public int read16(long pa) {
            return (int) accesses.apply(MemoryAccess.read(pa, 2)).value();
        }

        @Override
        public long read32(long pa) {
            return accesses.apply(MemoryAccess.read(pa, 4)).value();
        }

        @Override
        public long read64(long pa) {
            return accesses.apply(MemoryAccess.read(pa, 8)).value();
        }

        @Override
        public void write8(long pa, int value) {
            accesses.apply(MemoryAccess.write(pa, 1, value)).throwIfUnbacked();
        }

        @Override
        public void write16(long pa, int value) {
            accesses.apply(MemoryAccess.write(pa, 2, value)).throwIfUnbacked();
        }

        @Override
        public void write32(long pa, long value) {
            accesses.apply(MemoryAccess.write(pa, 4, value)).throwIfUnbacked();
        }

        @Override
        public void write64(long pa, long value) {
            accesses.apply(MemoryAccess.write(pa, 8, value)).throwIfUnbacked();
        }

        @Override
        public void read(long pa, byte[] destination, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, destination.length);
            System.arraycopy(accesses.apply(MemoryAccess.readBytes(pa, length)).bytes(), 0, destination, offset, length);
        }

        @Override
        public void write(long pa, byte[] source, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, source.length);
            accesses.apply(MemoryAccess.writeBytes(pa, source, offset, length)).throwIfUnbacked();
        }

        @Override
        public void fill(long pa, long length, byte value) {
            accesses.apply(MemoryAccess.fill(pa, length, new byte[] {value})).throwIfUnbacked();
        }

        @Override
        public void fill(long pa, long length, byte[] pattern) {
            accesses.apply(MemoryAccess.fill(pa, length, pattern)).throwIfUnbacked();
        }

        @Override
        public void copy(long sourcePa, long destinationPa, long length) {
            accesses.apply(MemoryAccess.copy(sourcePa, destinationPa, length)).throwIfUnbacked();
        }

        @Override
        public boolean isBacked(long pa, long length) {
            return accesses.apply(MemoryAccess.isBacked(pa, length)).value() != 0;
        }
    }
}
