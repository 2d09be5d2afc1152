package org.tdxemu.emulator.module.leaf;

import java.util.Optional;
import org.tdxemu.emulator.module.metadata.GlobalMetadata;
import org.tdxemu.emulator.module.metadata.MetadataListDump;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.seamcall.layout.MetadataList;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.RDALL, leaf 37: the global metadata from a given field on, as a list in one 4 KiB page
 * (module-abi.md §4.8; the list is built by {@link MetadataListDump}). Takes no lock: it reads only
 * the fixed {@link GlobalMetadata}.
 *
 * <p>The start ID is looked up as the module's {@code md_check_field_and_get_entry} does: by class
 * code and field code, and it must name the first element of a field with the field's element-size
 * code. Its other bits (reserved, LAST_ELEMENT_IN_FIELD, LAST_FIELD_IN_SEQUENCE, INC_SIZE,
 * WRITE_MASK_VALID, NON_ARCH) are not looked at; the list and R8 carry the table's IDs. A failed
 * call writes nothing into the buffer.
 */
final class SysRdAll implements LeafHandler {

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        long listPa = registers.rdx();
        FieldId start = new FieldId(registers.r8()).withContext(FieldId.CONTEXT_SYS);
        registers.set(Gpr.R8, FieldId.NULL);
        if (!lp.initialized) {
            return StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value();
        }
        if (!module.isSharedHpa(listPa, MetadataList.ALIGNMENT)) {
            return Statuses.operandInvalid(Gpr.RDX);
        }
        GlobalMetadata metadata = module.metadata;
        Optional<GlobalMetadata.Element> first = start.isNull() ? Optional.of(metadata.first())
                : fieldStartingAt(metadata, start);
        if (first.isEmpty()) {
            return StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value();
        }
        MetadataListDump.Page page = MetadataListDump.dump(metadata, first.get(), MetadataList.BUFFER_BYTES);
        module.memory.write(listPa, page.list());
        registers.set(Gpr.R8, page.nextFieldId());
        return page.status();
    }

    private static Optional<GlobalMetadata.Element> fieldStartingAt(GlobalMetadata metadata, FieldId start) {
        return metadata.find(start)
                .filter(e -> e.startsField() && e.id().elementSizeCode() == start.elementSizeCode());
    }
}
