package org.tdxemu.emulator.module.state;

import java.util.concurrent.atomic.AtomicIntegerArray;

/** The KOT: the state of each HKID. Initialization only ever reserves the global one. */
public final class KeyOwnerTable {

    public static final int HKID_FREE = 0;
    public static final int HKID_RESERVED = 3;

    private final AtomicIntegerArray states;

    public KeyOwnerTable(int hkids) {
        this.states = new AtomicIntegerArray(hkids);
    }

    public int state(int hkid) {
        return states.get(hkid);
    }

    public void reserve(int hkid) {
        states.set(hkid, HKID_RESERVED);
    }

    public int size() {
        return states.length();
    }
}
