//! The query layer of the calls table against real PostgreSQL: every filter, the search,
//! every sort order and the edges of keyset pagination.

mod common;

use std::collections::HashSet;

use app::{
    db::calls::{PAGE_SIZE, Reader, Restricted, list},
    domain::{
        CallPage, CallQuery, CallSort, CallStatus, MaskingPolicy, OPEN_STATUSES, PageAt,
        StoredCall, TimeRange,
    },
    repeat::store::Folding,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::calls::{NewCall, insert_call};
use sqlx::PgPool;

/// An agent who sees every field, reading each call (the query layer, not the desk's fold).
const READER: Reader = Reader {
    policy: &MaskingPolicy::OPEN,
    restricted: Restricted::Hidden,
    folding: Folding::Each,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .expect("now")
}

async fn ids(pool: &PgPool, query: CallQuery) -> Vec<i64> {
    let page = list(pool, READER, &query, PageAt::First, PAGE_SIZE, now())
        .await
        .expect("list");
    page.items.iter().map(|call| call.id).collect()
}

fn search(text: &str) -> CallQuery {
    CallQuery {
        search: Some(text.to_owned()),
        ..CallQuery::default()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn status_filters_select_exactly_the_calls_in_those_states(pool: PgPool) {
    let new = insert_call(
        &pool,
        NewCall {
            status: "NEW",
            ..NewCall::default()
        },
    )
    .await;
    let busy = insert_call(
        &pool,
        NewCall {
            status: "IN_PROGRESS",
            ..NewCall::default()
        },
    )
    .await;
    let done = insert_call(
        &pool,
        NewCall {
            status: "DONE",
            ..NewCall::default()
        },
    )
    .await;
    let with = |statuses: &[CallStatus]| CallQuery {
        statuses: statuses.to_vec(),
        ..CallQuery::default()
    };

    assert_eq!(ids(&pool, with(&[CallStatus::Done])).await, [done]);
    let mut open = ids(&pool, with(&OPEN_STATUSES)).await;
    open.sort_unstable();
    assert_eq!(open, [new, busy]);
    assert_eq!(ids(&pool, with(&[])).await.len(), 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn time_ranges_follow_berlin_days_and_the_last_hour(pool: PgPool) {
    let at = |minutes_ago| now() - Duration::minutes(minutes_ago);
    let recent = insert_call(
        &pool,
        NewCall {
            received_at: at(30),
            ..NewCall::default()
        },
    )
    .await;
    let this_morning = insert_call(
        &pool,
        NewCall {
            received_at: at(5 * 60),
            ..NewCall::default()
        },
    )
    .await;
    // 23:30 UTC on the 21st is 00:30 on the 22nd in Berlin: today.
    let after_midnight = insert_call(
        &pool,
        NewCall {
            received_at: at(12 * 60 + 30),
            ..NewCall::default()
        },
    )
    .await;
    let yesterday = insert_call(
        &pool,
        NewCall {
            received_at: at(13 * 60 + 30),
            ..NewCall::default()
        },
    )
    .await;
    let in_range = |range| CallQuery {
        range: Some(range),
        ..CallQuery::default()
    };

    assert_eq!(ids(&pool, in_range(TimeRange::LastHour)).await, [recent]);
    assert_eq!(
        ids(&pool, in_range(TimeRange::Today)).await,
        [recent, this_morning, after_midnight]
    );
    let day = NaiveDate::from_ymd_opt(2026, 11, 21);
    assert_eq!(
        ids(&pool, in_range(TimeRange::Days { from: day, to: day })).await,
        [yesterday]
    );
    assert_eq!(
        ids(
            &pool,
            in_range(TimeRange::Days {
                from: None,
                to: day
            })
        )
        .await,
        [yesterday]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn number_fragments_find_the_call_however_they_are_typed(pool: PgPool) {
    let berlin = insert_call(
        &pool,
        NewCall {
            number: Some("+49301234567"),
            ..NewCall::default()
        },
    )
    .await;
    insert_call(
        &pool,
        NewCall {
            number: Some("+4989765432"),
            ..NewCall::default()
        },
    )
    .await;
    insert_call(&pool, NewCall::default()).await;

    for typed in [
        "1234567",
        "0301234",
        "030 123 45",
        "+49 30 1234",
        "004930123",
    ] {
        assert_eq!(ids(&pool, search(typed)).await, [berlin], "{typed}");
    }
    assert!(ids(&pool, search("0401234")).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn names_match_in_part_and_regardless_of_case(pool: PgPool) {
    let mueller = insert_call(
        &pool,
        NewCall {
            name: Some("Erika Müller"),
            ..NewCall::default()
        },
    )
    .await;
    insert_call(
        &pool,
        NewCall {
            name: Some("Hans Meier"),
            ..NewCall::default()
        },
    )
    .await;

    assert_eq!(ids(&pool, search("müller")).await, [mueller]);
    assert_eq!(ids(&pool, search("MÜLL")).await, [mueller]);
    assert!(
        ids(&pool, search("100%")).await.is_empty(),
        "LIKE metacharacters are literal"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concern_words_and_note_words_are_found_with_german_stemming(pool: PgPool) {
    let recipe = insert_call(
        &pool,
        NewCall {
            topic: "Brauche neue Rezepte für Ibuprofen",
            ..NewCall::default()
        },
    )
    .await;
    let noted = insert_call(
        &pool,
        NewCall {
            topic: "Rückruf",
            ..NewCall::default()
        },
    )
    .await;
    sqlx::query(
        "insert into notes (call_id, body) values ($1, 'Überweisung zum Kardiologen vorbereitet')",
    )
    .bind(noted)
    .execute(&pool)
    .await
    .expect("note");

    assert_eq!(ids(&pool, search("Rezept")).await, [recipe]);
    assert_eq!(ids(&pool, search("ibuprofen")).await, [recipe]);
    assert_eq!(
        ids(&pool, search("Kardiologen")).await,
        [noted],
        "found through the note"
    );
    assert!(ids(&pool, search("Zahnarzt")).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn search_and_filters_combine(pool: PgPool) {
    let open = insert_call(
        &pool,
        NewCall {
            topic: "Rezept",
            status: "NEW",
            ..NewCall::default()
        },
    )
    .await;
    insert_call(
        &pool,
        NewCall {
            topic: "Rezept",
            status: "DONE",
            ..NewCall::default()
        },
    )
    .await;
    let query = CallQuery {
        statuses: OPEN_STATUSES.to_vec(),
        ..search("Rezept")
    };
    assert_eq!(ids(&pool, query).await, [open]);
}

#[sqlx::test(migrations = "../migrations")]
async fn each_sort_order_is_total_and_priority_puts_urgent_first(pool: PgPool) {
    let at = |minutes| now() - Duration::minutes(minutes);
    let old_urgent = insert_call(
        &pool,
        NewCall {
            received_at: at(50),
            priority: "urgent",
            ..NewCall::default()
        },
    )
    .await;
    let newest = insert_call(
        &pool,
        NewCall {
            received_at: at(1),
            priority: "low",
            ..NewCall::default()
        },
    )
    .await;
    let middle = insert_call(
        &pool,
        NewCall {
            received_at: at(20),
            ..NewCall::default()
        },
    )
    .await;
    let twin = insert_call(
        &pool,
        NewCall {
            received_at: at(20),
            ..NewCall::default()
        },
    )
    .await;
    let sorted = |sort| CallQuery {
        sort,
        ..CallQuery::default()
    };

    assert_eq!(
        ids(&pool, sorted(CallSort::Newest)).await,
        [newest, twin, middle, old_urgent]
    );
    assert_eq!(
        ids(&pool, sorted(CallSort::Oldest)).await,
        [old_urgent, middle, twin, newest]
    );
    assert_eq!(
        ids(&pool, sorted(CallSort::Priority)).await,
        [old_urgent, twin, middle, newest]
    );
}

/// 2½ pages of calls, some sharing a timestamp, so the id must break ties.
async fn insert_pages(pool: &PgPool) -> Vec<i64> {
    let count = PAGE_SIZE * 2 + PAGE_SIZE / 2;
    sqlx::query(
        "insert into calls (event_id, received_at, priority, raw_payload, content_hash)
         select 'e' || n, $1 - (n / 3) * interval '1 minute',
                (array['low','normal','high','urgent'])[1 + n % 4]::call_priority, '{}', '\\x00'
         from generate_series(1, $2) as n",
    )
    .bind(now())
    .bind(count as i32)
    .execute(pool)
    .await
    .expect("insert pages");
    sqlx::query_scalar("select id from calls")
        .fetch_all(pool)
        .await
        .expect("ids")
}

async fn walk(pool: &PgPool, query: &CallQuery, forwards: bool) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut at = if forwards {
        PageAt::First
    } else {
        PageAt::Last
    };
    loop {
        let page: CallPage<StoredCall> = list(pool, READER, query, at, PAGE_SIZE, now())
            .await
            .expect("page");
        let ids: Vec<i64> = page.items.iter().map(|c| c.id).collect();
        assert!(ids.len() <= PAGE_SIZE);
        if forwards {
            seen.extend(ids);
            match page.next {
                Some(cursor) => at = PageAt::After(cursor),
                None => break,
            }
        } else {
            seen.splice(0..0, ids);
            match page.previous {
                Some(cursor) => at = PageAt::Before(cursor),
                None => break,
            }
        }
    }
    seen
}

#[sqlx::test(migrations = "../migrations")]
async fn paging_forwards_and_backwards_visits_every_call_once_in_order(pool: PgPool) {
    let all = insert_pages(&pool).await;
    for sort in CallSort::ALL {
        let query = CallQuery {
            sort,
            ..CallQuery::default()
        };
        let forwards = walk(&pool, &query, true).await;
        let backwards = walk(&pool, &query, false).await;
        assert_eq!(forwards.len(), all.len(), "{sort:?}");
        assert_eq!(
            forwards.iter().collect::<HashSet<_>>().len(),
            all.len(),
            "no duplicates"
        );
        assert_eq!(forwards, backwards, "{sort:?}: both directions agree");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_first_and_last_pages_know_they_are_at_the_edge(pool: PgPool) {
    insert_pages(&pool).await;
    let query = CallQuery::default();

    let first = list(&pool, READER, &query, PageAt::First, PAGE_SIZE, now())
        .await
        .expect("first");
    let last = list(&pool, READER, &query, PageAt::Last, PAGE_SIZE, now())
        .await
        .expect("last");

    assert!(first.previous.is_none() && first.next.is_some());
    assert!(last.next.is_none() && last.previous.is_some());
    assert_eq!(
        last.items.len(),
        PAGE_SIZE,
        "the last page is full, ending at the oldest call"
    );
    assert_eq!(first.total.count, (PAGE_SIZE * 2 + PAGE_SIZE / 2) as i64);
    assert!(first.total.exact);

    let empty = list(
        &pool,
        READER,
        &search("niemand"),
        PageAt::First,
        PAGE_SIZE,
        now(),
    )
    .await
    .expect("empty");
    assert!(empty.items.is_empty() && empty.previous.is_none() && empty.next.is_none());
    assert_eq!(empty.total.count, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn totals_above_a_thousand_are_marked_as_estimates(pool: PgPool) {
    sqlx::query(
        "insert into calls (event_id, received_at, raw_payload, content_hash)
         select 'e' || n, now(), '{}', '\\x00' from generate_series(1, 1050) as n",
    )
    .execute(&pool)
    .await
    .expect("insert");
    sqlx::query("analyze calls")
        .execute(&pool)
        .await
        .expect("analyze");

    let page = list(
        &pool,
        READER,
        &CallQuery::default(),
        PageAt::First,
        PAGE_SIZE,
        now(),
    )
    .await
    .expect("list");

    assert!(!page.total.exact);
    assert!(page.total.count > 1_000, "{}", page.total.count);
}
