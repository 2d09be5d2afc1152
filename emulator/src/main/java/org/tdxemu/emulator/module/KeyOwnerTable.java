package org.tdxemu.emulator.module;

import java.util.concurrent.atomic.AtomicIntegerArray;

/** The KOT: the state of each HKID. Initialization only ever reserves the global one. */
final class KeyOwnerTable {

    static final int HKID_FREE = 0;
    static final int HKID_RESERVED = 3;

    private final AtomicIntegerArray states;

    KeyOwnerTable(int hkids) {
        this.states = new AtomicIntegerArray(hkids);
    }

    int state(int hkid) {
        return states.get(hkid);
    }

    void reserve(int hkid) {
        states.set(hkid, HKID_RESERVED);
    }

    int size() {
        return states.length();
    }
}
