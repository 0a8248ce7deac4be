//! Which file-system events in the call directory wake the importer.

/// Whether a file-system event can mean new lines: a file made, written, renamed or removed.
/// Reading the files is an event too (opened, closed); counting it would start the next pass
/// the moment one ends, and the server would poll at full speed with nothing to import.
pub(crate) fn is_change(event: &notify::Event) -> bool {
    event.kind.is_create() || event.kind.is_modify() || event.kind.is_remove()
}

#[cfg(test)]
mod tests {
    use notify::{
        Event, EventKind,
        event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind, RemoveKind},
    };

    use super::is_change;

    #[test]
    fn reading_the_files_does_not_wake_the_next_pass() {
        let kinds = [
            (EventKind::Access(AccessKind::Open(AccessMode::Read)), false),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                false,
            ),
            (EventKind::Create(CreateKind::File), true),
            (EventKind::Modify(ModifyKind::Data(DataChange::Any)), true),
            (EventKind::Remove(RemoveKind::File), true),
        ];
        for (kind, change) in kinds {
            assert_eq!(is_change(&Event::new(kind)), change, "{kind:?}");
        }
    }
}
