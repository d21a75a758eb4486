//! Concurrent pushes: a reader following the feed while many devices push at once never skips
//! a position (PostgreSQL hands feed positions out in commit order; SQLite has one writer).

use std::sync::Arc;

use casedesk_hub::now_ms;
use casedesk_hub::rules::check_batch;
use casedesk_hub::store::HubStore;
use casedesk_proto::sign::SecretKey;
use uuid::Uuid;

use crate::support::Hub;

conformance! {
async fn a_reader_misses_nothing_while_many_devices_push_at_once() {
    let hub = Hub::new().await;
    let reader = hub.station("HX").await;
    let mut writers = Vec::new();
    for unit in ["HX02", "HX03", "HX0101", "HX01", "HX02", "HX03", "HX0101", "HX02"] {
        let mut st = hub.station(unit).await;
        for _ in 0..6 {
            st.new_case(4);
        }
        writers.push(st);
    }
    let total: usize = writers.iter().map(|w| w.chain.len()).sum();
    let store = Arc::clone(&hub.store);
    let mut pushes = Vec::new();
    for st in writers {
        let store = Arc::clone(&store);
        pushes.push(tokio::spawn(async move {
            // Batches of five: one case each.
            for from in (1..=st.chain.len() as u64).step_by(5) {
                let events = st.events(from, from + 4);
                let batch = check_batch(
                    st.device,
                    &st.unit,
                    st.key.as_ref().map(SecretKey::public_hex).as_deref(),
                    st.batch(events),
                )
                    .expect("checked");
                store.push(batch, now_ms()).await.expect("push");
                tokio::task::yield_now().await;
            }
        }));
    }
    // The association's reader follows its feed meanwhile and keeps what it saw.
    let mut seen: Vec<Uuid> = Vec::new();
    let mut after = 0;
    let mut checkpoint = None;
    loop {
        let done = pushes.iter().all(|p| p.is_finished());
        let page = store
            .pull(reader.device, reader.unit.clone(), after, 7, checkpoint)
            .await
            .expect("pull");
        seen.extend(page.events.iter().map(|e| e.id));
        assert!(page.next >= after);
        after = page.next;
        checkpoint = page.checkpoint;
        if done && !page.more {
            break;
        }
        tokio::task::yield_now().await;
    }
    for p in pushes {
        p.await.expect("pushes");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no event twice");
    assert_eq!(seen.len(), total, "every event, none skipped");
}
}
