//! Imports respect the list's rights (skip / create need Add; update needs Modify, and Add when a
//! row is new), an update import changes only the columns it has, and JSON `null` / `""` clear a
//! field while an absent key leaves it.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn upload(c: &Client, list: &str, csv: &str, policy: &str) -> (u16, Value) {
    let r = c
        .request(Method::POST, &format!("/api/v1/lists/{list}/imports?on_duplicate={policy}"))
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn wait_job(c: &Client, job: &Value) -> Value {
    let id = job["id"].as_str().unwrap();
    for _ in 0..400 {
        let (s, v) = c.get(&format!("/api/v1/jobs/{id}")).await;
        assert_eq!(s, 200, "{v}");
        if v["status"] != "queued" && v["status"] != "running" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("job did not finish");
}

async fn all_contacts(c: &Client, list: &str) -> Vec<Value> {
    let (_, v) = c.get(&format!("/api/v1/lists/{list}/contacts?per_page=500&sort=full_name")).await;
    v["items"].as_array().unwrap().clone()
}

/// The rights matrix: (add, modify) for Alex on a custom list, each policy, a file with one
/// existing contact and one new one, and a file with only the existing one.
#[tokio::test]
async fn import_rights_matrix() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let alex = app.as_user(ALEX).await;
    let both = "Full Name,Email,Job Title\nKnown Person,known@x.example,Imported title\nNew Person,new@x.example,\n";
    let known_only = "Full Name,Email,Job Title\nKnown Person,known@x.example,Imported title\n";
    // (add, modify, policy, file, expected status, then: known's job title, contacts in the list)
    let cases: &[(bool, bool, &str, &str, u16, &str, usize)] = &[
        (true, false, "skip", both, 202, "Original", 2),
        (false, true, "skip", both, 403, "Original", 1),
        (true, false, "create", both, 202, "Original", 3),
        (false, true, "create", both, 403, "Original", 1),
        (true, false, "update", both, 403, "Original", 1),
        (false, true, "update", both, 403, "Original", 1),
        (false, true, "update", known_only, 202, "Imported title", 1),
        (true, true, "update", both, 202, "Imported title", 2),
        (false, false, "skip", both, 403, "Original", 1),
    ];
    for &(add, modify, policy, file, status, title, count) in cases {
        let list = owner.create_list("Matrix").await;
        let perms = json!({"permissions": {"mode": "custom",
            "members": [{"oid": "alex", "add": add, "modify": modify, "delete": false}]}});
        assert_eq!(owner.patch(&format!("/api/v1/lists/{list}"), &perms).await.0, 200);
        owner
            .create_contact(
                &list,
                json!({"full_name": "Known Person", "email": "known@x.example", "job_title": "Original"}),
            )
            .await;
        let case = format!("add={add} modify={modify} {policy}");
        let (s, job) = upload(&alex, &list, file, policy).await;
        assert_eq!(s, status, "{case}: {job}");
        if s == 202 {
            let done = wait_job(&alex, &job).await;
            assert_eq!(done["status"], "succeeded", "{case}: {done}");
        }
        let contacts = all_contacts(&owner, &list).await;
        assert_eq!(contacts.len(), count, "{case}");
        let known: Vec<_> = contacts.iter().filter(|c| c["email"] == "known@x.example").collect();
        assert_eq!(known[0]["job_title"], title, "{case}");
    }
}

#[tokio::test]
async fn an_update_import_changes_only_its_columns_and_never_clears_from_an_empty_cell() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("Crew").await;
    let full = json!({"full_name": "Chloé Costa", "email": "chloe@tailspin.example", "mobile": "+33 6 15 88 26 17",
        "company": "Tailspin", "notes": "Prefers mornings", "job_title": "Buyer",
        "address": {"street": "1 rue de la Paix", "city": "Paris", "country": "France"}});
    let before = owner.create_contact(&list, full).await;
    // Two columns, the e-mail matching: only the job title changes.
    let (s, job) =
        upload(&owner, &list, "Email,Job Title\nchloe@tailspin.example,Head of purchasing\n", "update").await;
    assert_eq!(s, 202, "{job}");
    let done = wait_job(&owner, &job).await;
    assert_eq!((done["updated"].as_u64(), done["imported"].as_u64()), (Some(1), Some(0)), "{done}");
    let (_, after) = owner.get(&format!("/api/v1/lists/{list}/contacts/{}", before["id"].as_str().unwrap())).await;
    assert_eq!(after["job_title"], "Head of purchasing");
    for field in ["full_name", "mobile", "company", "notes", "address"] {
        assert_eq!(after[field], before[field], "{field} was changed by an import without that column");
    }
    // Empty cells in present columns leave the fields as they are.
    let (_, job) =
        upload(&owner, &list, "Full Name,Email,Mobile,Notes\nChloé Costa,chloe@tailspin.example,,\n", "update").await;
    wait_job(&owner, &job).await;
    let (_, again) = owner.get(&format!("/api/v1/lists/{list}/contacts/{}", before["id"].as_str().unwrap())).await;
    assert_eq!((again["mobile"].clone(), again["notes"].clone()), (before["mobile"].clone(), before["notes"].clone()));
    // A row without a name that matches nothing is reported, not created.
    let (_, job) = upload(&owner, &list, "Email,Job Title\nnobody@x.example,Ghost\n", "update").await;
    let done = wait_job(&owner, &job).await;
    assert_eq!(done["imported"], 0, "{done}");
    assert_eq!(done["errors"][0]["column"], "Full Name", "{done}");
    assert_eq!(all_contacts(&owner, &list).await.len(), 1);
}

#[tokio::test]
async fn patch_null_and_empty_clear_absent_keeps() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("Crew").await;
    let c = owner
        .create_contact(
            &list,
            json!({"full_name": "Adèle Kaya", "mobile": "0612", "notes": "n", "company": "Acme",
                   "address": {"city": "Lyon", "country": "France"}}),
        )
        .await;
    let path = format!("/api/v1/lists/{list}/contacts/{}", c["id"].as_str().unwrap());
    let (s, v) = owner.patch(&path, &json!({"mobile": null, "notes": ""})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["mobile"].as_str(), v["notes"].as_str()), (Some(""), Some("")));
    assert_eq!(v["company"], "Acme", "an absent key is left as it was");
    assert_eq!(v["address"]["city"], "Lyon");
    let (_, v) = owner.patch(&path, &json!({"address": {"city": null}})).await;
    assert_eq!((v["address"]["city"].as_str(), v["address"]["country"].as_str()), (Some(""), Some("France")));
    let (_, v) = owner.patch(&path, &json!({"address": null})).await;
    assert_eq!(v["address"]["country"], "", "null clears the whole address");
    // The name is required: clearing it is refused, naming the field.
    let (s, v) = owner.patch(&path, &json!({"full_name": null})).await;
    assert_eq!((s.as_u16(), error_fields(&v)), (422, vec!["full_name".to_owned()]));
}
