//! The metadata a client document carries (703/2023 37 §).

use domain::metadata::{of, Sources};
use domain::retention::Trigger;

#[test]
fn a_document_takes_the_lots_service_task_and_its_retention_rule() {
    let m = of(Sources {
        lot_task: "lastensuojelun avohuolto",
        lot_basis: "lastensuojelulaki 36 §",
        client_task: "lapsiperheiden palvelut",
        client_basis: "sosiaalihuoltolaki 18 §",
        organiser: "Kymenlaakson hyvinvointialue",
        producer: "Kasvun Polku Oy",
        unit: " Kasvun Polku, Kotka ",
        unit_oid: "1.2.246.10.9999.10.0",
    });
    assert_eq!(m.service_task, "lastensuojelun avohuolto");
    assert_eq!(m.legal_basis, "lastensuojelulaki 36 §");
    assert_eq!(m.unit, "Kasvun Polku, Kotka");
    // Child welfare: two years after the client's death (703/2023, annex).
    assert_eq!(m.retention, Some((2, Trigger::Death)));
}

#[test]
fn the_clients_task_stands_in_where_the_lot_names_none() {
    let m = of(Sources {
        lot_task: " ",
        client_task: "lapsiperheiden palvelut",
        client_basis: "sosiaalihuoltolaki 18 §",
        ..Sources::default()
    });
    assert_eq!(m.service_task, "lapsiperheiden palvelut");
    assert_eq!(m.legal_basis, "sosiaalihuoltolaki 18 §");
    assert_eq!(m.retention, Some((30, Trigger::Closure)));
    let none = of(Sources::default());
    assert_eq!((none.service_task.as_str(), none.retention), ("", None));
}
