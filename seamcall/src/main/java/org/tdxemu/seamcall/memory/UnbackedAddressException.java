package org.tdxemu.seamcall.memory;

/** An access reached a physical address with no memory behind it. */
public final class UnbackedAddressException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long address;

    public UnbackedAddressException(long address) {
        super(String.format("no memory at physical address 0x%x", address));
        this.address = address;
    }

    /** The first byte of the access that has no memory behind it. */
    public long address() {
        return address;
    }
}
