//! TEMPORARY naive index with the search module's API, used until src/search lands.
use crate::model::{Contact, ContactId, GroupId};
use std::collections::{BTreeMap, HashMap};

pub fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}
pub fn letter_of(full_name: &str) -> char {
    fold(full_name).chars().next().filter(|c| c.is_ascii_lowercase()).map(|c| c.to_ascii_uppercase()).unwrap_or('#')
}
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    FullName,
    JobTitle,
    Company,
    Department,
    Mobile,
    Email,
    UpdatedAt,
}
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    #[default]
    Asc,
    Desc,
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupFilter {
    Group(GroupId),
    NoGroup,
}
#[derive(Clone, Debug)]
pub struct Query {
    pub q: String,
    pub letter: Option<char>,
    pub group: Option<GroupFilter>,
    pub sort: SortKey,
    pub order: Order,
    pub offset: usize,
    pub limit: usize,
}
pub struct QueryResult {
    pub ids: Vec<ContactId>,
    pub total: usize,
    pub letters: BTreeMap<char, usize>,
}
#[derive(Default)]
pub struct ListIndex {
    contacts: HashMap<ContactId, Contact>,
    groups: HashMap<GroupId, String>,
}
impl ListIndex {
    pub fn build(
        contacts: impl IntoIterator<Item = Contact>,
        group_names: impl IntoIterator<Item = (GroupId, String)>,
    ) -> Self {
        Self { contacts: contacts.into_iter().map(|c| (c.id, c)).collect(), groups: group_names.into_iter().collect() }
    }
    pub fn upsert(&mut self, c: &Contact) {
        self.contacts.insert(c.id, c.clone());
    }
    pub fn remove(&mut self, id: ContactId) {
        self.contacts.remove(&id);
    }
    pub fn set_group_name(&mut self, g: GroupId, name: &str) {
        self.groups.insert(g, name.to_owned());
    }
    pub fn remove_group(&mut self, g: GroupId) {
        self.groups.remove(&g);
    }
    pub fn is_empty(&self) -> bool {
        self.contacts.is_empty()
    }
    pub fn len(&self) -> usize {
        self.contacts.len()
    }
    pub fn query(&self, q: &Query) -> QueryResult {
        let words: Vec<String> = fold(&q.q).split_whitespace().map(str::to_owned).collect();
        let mut hits: Vec<&Contact> = self
            .contacts
            .values()
            .filter(|c| {
                let f = &c.fields;
                let g: Vec<&str> = f.groups.iter().filter_map(|g| self.groups.get(g).map(String::as_str)).collect();
                let hay = fold(&format!(
                    "{} {} {} {} {} {} {} {} {}",
                    f.full_name,
                    f.job_title,
                    f.company,
                    f.department,
                    f.notes,
                    f.email,
                    f.mobile,
                    f.phone,
                    g.join(" ")
                ));
                words.iter().all(|w| hay.split(|c: char| !c.is_alphanumeric()).any(|t| t.starts_with(w.as_str())))
                    && match q.group {
                        None => true,
                        Some(GroupFilter::NoGroup) => f.groups.is_empty(),
                        Some(GroupFilter::Group(g)) => f.groups.contains(&g),
                    }
            })
            .collect();
        let mut letters = BTreeMap::new();
        for c in &hits {
            *letters.entry(letter_of(&c.fields.full_name)).or_insert(0) += 1;
        }
        if let Some(l) = q.letter {
            hits.retain(|c| letter_of(&c.fields.full_name) == l);
        }
        hits.sort_by_key(|c| (fold(&c.fields.full_name), c.id));
        if q.order == Order::Desc {
            hits.reverse();
        }
        let total = hits.len();
        QueryResult { ids: hits.into_iter().skip(q.offset).take(q.limit).map(|c| c.id).collect(), total, letters }
    }
}
