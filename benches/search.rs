//! Search index benchmark: contactpro's ListIndex vs a naive prefolded scan vs SQLite FTS5 vs
//! tantivy, on the same generated contacts. A plain `main` (harness = false) printing a table.
//!
//!     BENCH_SIZES=100000,1000000 cargo bench --features bench-fts5,bench-tantivy --bench search
//!
//! Without `--features bench-fts5` (which compiles a bundled SQLite) the FTS5 columns are empty;
//! without `bench-tantivy` the tantivy columns are.
//! Env: BENCH_SIZES (default 100000), BENCH_QUERIES (300, per class, index, tantivy and HTTP),
//! BENCH_BASELINE_QUERIES (40, per class, naive and FTS5), BENCH_NO_SQLITE (set: skip FTS5 even
//! with the feature), BENCH_HTTP (set: also the same queries over HTTP to the real server, started
//! in this process on a loopback socket with the contacts imported as CSV).
//!
//! Every query class returns what the API needs: the first page (50), the total and the A-Z
//! rail counts. Data comes from a seeded generator, so runs are comparable.

use contactpro::model::{Contact, ContactFields, ContactId, GroupId, Timestamp, UserRef};
use contactpro::search::dups::Duplicates;
use contactpro::search::phone::Region;
use contactpro::search::{GroupFilter, ListIndex, Order, Query, SortKey, fold, letter_of};
#[cfg(feature = "bench-fts5")]
use rusqlite::{Connection, params};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

// ---------- deterministic data ----------

/// SplitMix64: tiny, seeded, good enough for test data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const FIRST_CSV: &str = concat!(
    "Anne,Clément,Émilie,Jérôme,Hélène,François,Zoé,Léa,Chloé,Noël,Loïc,Gaëlle,Björn,Søren,",
    "Łukasz,Małgorzata,Jürgen,Jörg,Müller,Ángel,José,María,Inés,Núria,João,Sebastián,Ana,",
    "Ítalo,Ömer,Çağla,Kateřina,Tomáš,Dvořák,Zoltán,Ildikó,Peter,John,Mary,James,Linda,Robert,",
    "Patricia,Michael,Jennifer,David,Elizabeth,William,Barbara,Richard,Susan,Thomas,Jessica,",
    "Charles,Sarah,Daniel,Karen,Matthew,Nancy,Anthony,Lisa,Mark,Betty,Paul,Sandra,Steven,",
    "Ashley,Andrew,Kimberly,Kevin,Donna,Brian,Emily,George,Michelle,Edward,Carol,Ronald,",
    "Amanda,Timothy,Melissa,Jason,Deborah,Jeffrey,Stephanie,Ryan,Rebecca,Jacob,Laura,Gary,",
    "Helen,Nicholas,Pierre,Marie,Jean,Nathalie,Philippe,Isabelle,Alain,Sylvie,Nicolas,",
    "Catherine,Christophe,Sophie,Stéphane,Valérie,Laurent,Sandrine,Frédéric,Céline,Olivier,",
    "Aurélie,Julien,Camille,Mathieu,Manon,Antoine,Pauline,Maxime,Julie,Guillaume,Élodie,Yann,",
    "Hans,Klaus,Ursula,Wolfgang,Sabine,Giulia,Marco,Francesca,Luca,Chiara,Sven,Ingrid,Astrid,",
    "Lars,Hiroshi,Yuki,Wei,Mei,Priya,Arjun,Fatima,Omar,Aïcha",
);
const LAST_CSV: &str = concat!(
    "Dupont,Martin,Bernard,Thomas,Petit,Robert,Richard,Durand,Dubois,Moreau,Laurent,Simon,",
    "Michel,Lefèvre,Leroy,Roux,David,Bertrand,Morel,Fournier,Girard,Bonnet,Dupuis,Lambert,",
    "Fontaine,Rousseau,Vincent,Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,",
    "Schulz,Hoffmann,Schäfer,Koch,Bauer,Richter,Klein,Wolf,Schröder,Neumann,Schwarz,",
    "Zimmermann,Braun,Krüger,Hofmann,García,Fernández,González,Rodríguez,López,Martínez,",
    "Sánchez,Pérez,Gómez,Díaz,Muñoz,Álvarez,Jiménez,Núñez,Smith,Johnson,Williams,Brown,Jones,",
    "Miller,Davis,Wilson,Anderson,Taylor,Moore,Jackson,White,Harris,Clark,Lewis,Walker,Hall,",
    "Young,King,Wright,Scott,Green,O'Neil,O'Brien,McDonald,D'Angelo,Nowak,Kowalski,",
    "Wiśniewski,Wójcik,Kamiński,Łukasik,Dvořák,Novák,Svoboda,Černý,Procházka,Kovács,Szabó,",
    "Tóth,Nagy,Horváth,Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,",
    "Greco,Bruno,Gallo,Jensen,Nielsen,Hansen,Pedersen,Andersen,Johansson,Karlsson,Nilsson,",
    "Eriksson,Larsson,Søndergaard,Østergaard,Yılmaz,Kaya,Demir,Şahin,Çelik,Öztürk,Tanaka,",
    "Suzuki,Wang,Li,Zhang,Chen,Liu,Nguyen,Tran,Le,Pham,Kumar,Singh,Sharma,Haddad,Benali",
);
const SYLL_CSV: &str = concat!(
    "ka,ro,mi,van,del,ber,tin,son,lé,mar,ché,wit,ski,ova,gaard,hau,stein,berg,ou,ier,az,el,",
    "ri,no,ta,lu,bo,fe,gu,zi",
);
const CO_A_CSV: &str = concat!(
    "Acme,Globex,Initech,Umbrella,Hooli,Vandelay,Stark,Wayne,Tyrell,Cyberdyne,Soylent,",
    "Massive,Nordic,Alpine,Atlantique,Pacific,Boréal,Azur,Horizon,Vertex,Quantum,Nova,",
    "Stellar,Lumière,Orion,Helix,Zenith,Apex,Summit,Cascade,Granite,Cèdre,Chêne,Rivière,",
    "Océan,Étoile,Soleil,Montagne,Prairie,Delta",
);
const CO_B_CSV: &str = concat!(
    "Logistics,Construction,Énergie,Transport,Consulting,Software,Systems,Industries,Foods,",
    "Pharma,Bâtiment,Services,Médical,Finance,Assurances,Immobilier,Électricité,Chimie,",
    "Textile,Métallurgie,Aviation,Marine,Robotics,Analytics,Design,Media,Télécom,Retail,Agro,",
    "Bois,Verre,Papier,Plastiques,Sécurité,Nettoyage,Transports,Études,Ingénierie,Labs,",
    "Studio,Partners,Group,Holding,Solutions,Technologies,Distribution,Import,Export,Events,",
    "Travel",
);
const DEPTS_CSV: &str = concat!(
    "Sales,Marketing,Finance,Comptabilité,Ressources humaines,IT,R&D,Production,Logistique,",
    "Achats,Juridique,Qualité,Support,Direction,Communication,Sécurité,Maintenance,Études",
);
static FIRST: LazyLock<Vec<&str>> = LazyLock::new(|| FIRST_CSV.split(',').collect());
static LAST: LazyLock<Vec<&str>> = LazyLock::new(|| LAST_CSV.split(',').collect());
static SYLL: LazyLock<Vec<&str>> = LazyLock::new(|| SYLL_CSV.split(',').collect());
static CO_A: LazyLock<Vec<&str>> = LazyLock::new(|| CO_A_CSV.split(',').collect());
static CO_B: LazyLock<Vec<&str>> = LazyLock::new(|| CO_B_CSV.split(',').collect());
static DEPTS: LazyLock<Vec<&str>> = LazyLock::new(|| DEPTS_CSV.split(',').collect());
static ROLE: LazyLock<Vec<&str>> = LazyLock::new(|| ROLE_CSV.split(',').collect());
static CITIES: LazyLock<Vec<&str>> = LazyLock::new(|| CITIES_CSV.split(',').collect());
static VOCAB: LazyLock<Vec<&str>> = LazyLock::new(|| VOCAB_CSV.split(',').collect());
const LEVEL: &[&str] =
    &["", "Senior ", "Junior ", "Head of ", "Chief ", "Assistant ", "Lead ", "Directeur ", "Responsable "];
const ROLE_CSV: &str = concat!(
    "Engineer,Manager,Accountant,Buyer,Sales Representative,Developer,Consultant,Technician,",
    "Project Manager,Chef de projet,Analyst,Designer,Architect,Administrator,Coordinator,",
    "Officer,Commercial,Ingénieur,Comptable,Acheteur,Juriste,Secrétaire,Opérateur,",
    "Conducteur de travaux",
);
const CITIES_CSV: &str = concat!(
    "Paris,Lyon,Marseille,Toulouse,Nice,Nantes,Strasbourg,Montpellier,Bordeaux,Lille,Rennes,",
    "Reims,Saint-Étienne,Le Havre,Grenoble,Dijon,Angers,Nîmes,Besançon,Orléans,Genève,",
    "Lausanne,Zürich,Bruxelles,Liège,Montréal,Québec,München,Köln,Düsseldorf,Wien,Kraków,",
    "Łódź,Praha,Brno,Malmö,Göteborg,København,Århus,Oslo,Tromsø,Madrid,Sevilla,Málaga,",
    "A Coruña,Lisboa,Porto,Milano,Torino,Roma,Napoli,London,Manchester,Dublin,Cork,Amsterdam,",
    "Utrecht,İstanbul,Ankara,Tokyo,Osaka",
);
const STREET: &[&str] =
    &["rue", "avenue", "boulevard", "chemin", "place", "allée", "impasse", "quai", "route", "Straße"];
const VOCAB_CSV: &str = concat!(
    "rencontré,salon,rappeler,devis,contrat,livraison,urgent,fournisseur,client,partenaire,",
    "réunion,lundi,mardi,mercredi,jeudi,vendredi,janvier,février,mars,avril,mai,juin,budget,",
    "projet,chantier,équipe,prospect,relance,facture,paiement,retard,accord,signature,visite,",
    "démo,formation,support,ticket,incident,priorité,contact,principal,secondaire,assistant,",
    "direction,achat,vente,stock,commande,retour,garantie,maintenance,meeting,call,follow-up,",
    "quote,invoice,delivery,shipment,warehouse,renewal,pricing,discount,tender,audit,",
    "compliance,safety,training,onboarding,prefers,email,phone,morning,afternoon,evening,",
    "weekend,holiday,vacation,conference,trade,show,booth",
);

fn gen_last(r: &mut Rng) -> String {
    // 80% common names, 20% synthetic rarer names: a realistic long tail of distinct terms.
    if r.chance(80) {
        r.pick(&LAST).to_string()
    } else {
        let mut s = String::new();
        for _ in 0..2 + r.below(2) {
            s.push_str(r.pick(&SYLL));
        }
        let mut c = s.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    }
}

fn digits(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + r.below(10) as u8)).collect()
}

fn pairs(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| digits(r, 2)).collect::<Vec<_>>().join(" ")
}

fn companies(r: &mut Rng) -> Vec<String> {
    (0..2000)
        .map(|i| format!("{} {}", CO_A[i % CO_A.len()], CO_B[(i / CO_A.len() + r.below(3)) % CO_B.len()]))
        .collect()
}

fn gen_contact(r: &mut Rng, i: u64, companies: &[String], groups: &[GroupId]) -> Contact {
    let first = r.pick(&FIRST);
    let last = gen_last(r);
    let company = if r.chance(90) { companies[r.below(companies.len())].clone() } else { String::new() };
    let domain: String = fold(&company).replace(' ', "");
    let domain = if domain.is_empty() { "gmail".to_string() } else { domain };
    let tld = ["fr", "com", "de", "eu", "io"][r.below(5)];
    let email = if r.chance(85) {
        format!("{}.{}@{domain}.{tld}", fold(first).replace(' ', ""), fold(&last).replace(' ', ""))
    } else {
        String::new()
    };
    let mut f = ContactFields {
        full_name: format!("{first} {last}"),
        job_title: if r.chance(85) { format!("{}{}", r.pick(LEVEL), r.pick(&ROLE)) } else { String::new() },
        email,
        mobile: if r.chance(80) { format!("0{} {}", 6 + r.below(2), pairs(r, 4)) } else { String::new() },
        phone: if r.chance(50) { format!("+33 {} {}", 1 + r.below(5), pairs(r, 4)) } else { String::new() },
        company,
        department: if r.chance(70) { r.pick(&DEPTS).to_string() } else { String::new() },
        notes: if r.chance(30) {
            (0..3 + r.below(8)).map(|_| r.pick(&VOCAB)).collect::<Vec<_>>().join(" ")
        } else {
            String::new()
        },
        ..Default::default()
    };
    if r.chance(60) {
        f.address.street = format!("{} {} {}", 1 + r.below(200), r.pick(STREET), r.pick(&LAST));
        // Postal codes cluster by city, as real ones do (a few dozen per city).
        let city = r.below(CITIES.len());
        f.address.city = CITIES[city].to_string();
        f.address.postal_code = format!("{:05}", 10_000 + city * 1_000 + r.below(40));
        f.address.country = ["France", "Deutschland", "España", "Belgique", "Suisse"][r.below(5)].to_string();
    }
    for _ in 0..r.below(3) {
        f.groups.push(groups[r.below(groups.len())]);
    }
    f.groups.sort();
    f.groups.dedup();
    Contact {
        id: ContactId::from_u128(u128::from(r.next()) << 64 | u128::from(i)),
        fields: f,
        created_at: Timestamp(1_700_000_000_000),
        created_by: UserRef::default(),
        updated_at: Timestamp(1_700_000_000_000 + (r.next() % 50_000_000_000) as i64),
        updated_by: UserRef::default(),
        version: 1,
    }
}

// ---------- query classes ----------

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Selective,
    Letter,
    TwoWords,
    ThreeWords,
    Phone,
    PageName,
    PageCompany,
    Letters,
    WordsByCompany,
    GroupByDepartment,
    LetterByJob,
    PhoneNational,
    DigitRun,
    Typo,
}

/// Phone numbers are read as French ones (the generated mobiles are national, the phones
/// international), as with `search.default_region = "FR"`.
static REGION: LazyLock<Option<Region>> = LazyLock::new(|| Region::new("FR"));

const CLASSES: [(Class, &str); 14] = [
    (Class::Selective, "1 word, selective (last name)"),
    (Class::Letter, "1 letter, broad (\"a\")"),
    (Class::TwoWords, "2 words (first + last prefix)"),
    (Class::ThreeWords, "3 words (first, last, city/company)"),
    (Class::Phone, "phone digits (\"061588\")"),
    (Class::PageName, "no q, first page by name"),
    (Class::PageCompany, "no q, first page by company"),
    (Class::Letters, "rail counts (2-letter q, group)"),
    (Class::WordsByCompany, "2 words, sorted by company"),
    (Class::GroupByDepartment, "group filter, sorted by department"),
    (Class::LetterByJob, "1 letter, sorted by job title"),
    (Class::PhoneNational, "phone typed nationally (\"01 42 68\" for \"+33 1 42 68...\")"),
    (Class::DigitRun, "digit run inside a number (\"357338\")"),
    (Class::Typo, "typo, fuzzy retry (\"dupomt\")"),
];

fn gen_query(r: &mut Rng, class: Class, sample: &[Contact], groups: &[GroupId]) -> Query {
    let c = &sample[r.below(sample.len())].fields;
    let words: Vec<String> = fold(&c.full_name).split(' ').map(String::from).collect();
    let pre = |w: &str, n: usize| w.chars().take(n).collect::<String>();
    let mut q = Query { limit: 50, ..Default::default() };
    match class {
        Class::Selective => q.q = words.last().cloned().unwrap_or_default(),
        Class::Letter => q.q = ["a", "m", "s", "d", "c", "l"][r.below(6)].to_string(),
        Class::TwoWords => q.q = format!("{} {}", words[0], pre(words.last().unwrap(), 3)),
        Class::ThreeWords => {
            let third = if c.address.city.is_empty() { fold(&c.company) } else { fold(&c.address.city) };
            q.q = format!(
                "{} {} {}",
                pre(&words[0], 4),
                pre(words.last().unwrap(), 4),
                pre(third.split(' ').next().unwrap_or(""), 3)
            );
        }
        Class::Phone => {
            let d: String = c.mobile.chars().filter(char::is_ascii_digit).collect();
            q.q = if d.len() >= 6 { d[..6].to_string() } else { format!("06{}", digits(r, 4)) };
        }
        Class::PageName => q.sort = SortKey::FullName,
        Class::PageCompany => q.sort = SortKey::Company,
        Class::Letters => {
            q.q = pre(&words[0], 2);
            q.group = Some(GroupFilter::Group(groups[r.below(groups.len())]));
            q.limit = 0;
        }
        Class::WordsByCompany => {
            q.q = format!("{} {}", pre(&words[0], 2), pre(words.last().unwrap(), 2));
            q.sort = SortKey::Company;
        }
        Class::GroupByDepartment => {
            q.group = Some(GroupFilter::Group(groups[r.below(groups.len())]));
            q.sort = SortKey::Department;
        }
        Class::LetterByJob => {
            q.q = ["a", "m", "s", "d", "c", "l"][r.below(6)].to_string();
            q.sort = SortKey::JobTitle;
        }
        Class::PhoneNational => {
            let d: String = c.phone.chars().filter(char::is_ascii_digit).collect();
            // "+33 1 42 68 53 00" typed as "01 42 68": trunk prefix, then the first pairs.
            q.q = if d.len() >= 7 {
                format!("0{} {} {}", &d[2..3], &d[3..5], &d[5..7])
            } else {
                format!("06 {}", pairs(r, 2))
            };
        }
        Class::DigitRun => {
            let d: String = c.mobile.chars().filter(char::is_ascii_digit).collect();
            q.q = if d.len() >= 9 { d[3..9].to_string() } else { digits(r, 6) };
        }
        Class::Typo => {
            // One letter of a last name of 5+ letters changed to 'q' (rare): nothing matches as
            // typed, so the typo-tolerant retry runs.
            let w = words.iter().rev().find(|w| w.len() >= 5).cloned().unwrap_or_else(|| "dupont".into());
            let i = 1 + r.below(w.len() - 2);
            q.q = format!("{}q{}", &w[..i], &w[i + 1..]);
        }
    }
    if r.chance(10)
        && matches!(
            class,
            Class::PageName
                | Class::PageCompany
                | Class::WordsByCompany
                | Class::GroupByDepartment
                | Class::LetterByJob
        )
    {
        q.order = Order::Desc;
    }
    q
}

// ---------- baselines ----------

/// Naive scan, made fair: every contact's searchable tokens are prefolded once into one string
/// " tok tok tok " (a word prefix is then a substring " w"), plus the folded sort values.
struct Naive {
    hay: Vec<String>,
    /// " num num ": digit tokens of 6-16 digits and the mobile's digits (runs inside them match).
    nums: Vec<String>,
    name: Vec<String>,
    company: Vec<String>,
    groups: Vec<Vec<GroupId>>,
    letter: Vec<char>,
}

fn tokens_of(c: &Contact, group_names: &BTreeMap<GroupId, String>) -> String {
    let f = &c.fields;
    let a = &f.address;
    let mut hay = String::from(" ");
    let mut add = |s: &str| {
        for w in fold(s).split(' ').chain(fold(&s.replace(|ch: char| !ch.is_alphanumeric(), " ")).split(' ')) {
            if !w.is_empty() {
                hay.push_str(w);
                hay.push(' ');
            }
        }
    };
    for s in [
        &f.full_name,
        &f.job_title,
        &f.company,
        &f.department,
        &f.notes,
        &f.email,
        &a.street,
        &a.city,
        &a.postal_code,
        &a.state,
        &a.country,
        &f.phone,
        &f.mobile,
    ] {
        add(s);
    }
    for g in &f.groups {
        add(&group_names[g]);
    }
    if let Some((_, domain)) = f.email.rsplit_once('@') {
        let labels: Vec<&str> = domain.split('.').collect();
        for i in 0..labels.len().saturating_sub(1) {
            hay.push_str(&fold(&labels[i..].join(".")));
            hay.push(' ');
        }
    }
    for p in [&f.phone, &f.mobile] {
        let d = canonical(p);
        if !d.is_empty() {
            hay.push_str(&d);
            hay.push(' ');
        }
    }
    hay
}

fn canonical(p: &str) -> String {
    REGION.as_ref().and_then(|r| r.canonical(p)).unwrap_or_else(|| p.chars().filter(char::is_ascii_digit).collect())
}

fn nums_of(hay: &str, mobile: &str) -> String {
    let mut out = String::from(" ");
    for t in hay.split(' ').filter(|t| (6..=16).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())) {
        out.push_str(t);
        out.push(' ');
    }
    let m: String = canonical(mobile).chars().take(16).collect();
    out.push_str(&m);
    out.push(' ');
    out
}

impl Naive {
    fn build(cs: &[Contact], group_names: &BTreeMap<GroupId, String>) -> Self {
        let hay: Vec<String> = cs.iter().map(|c| tokens_of(c, group_names)).collect();
        Naive {
            nums: hay.iter().zip(cs).map(|(h, c)| nums_of(h, &c.fields.mobile)).collect(),
            hay,
            name: cs.iter().map(|c| fold(&c.fields.full_name)).collect(),
            company: cs.iter().map(|c| fold(&c.fields.company)).collect(),
            groups: cs.iter().map(|c| c.fields.groups.clone()).collect(),
            letter: cs.iter().map(|c| letter_of(&c.fields.full_name)).collect(),
        }
    }

    fn query(&self, q: &Query) -> (Vec<usize>, usize, BTreeMap<char, usize>) {
        let folded = fold(&q.q);
        let words: Vec<String> = folded.split(' ').filter(|w| !w.is_empty()).map(|w| format!(" {w}")).collect();
        let digits: String = q.q.chars().filter(char::is_ascii_digit).collect();
        let phone_chars = q.q.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || "+.-()/".contains(c));
        let phone = phone_chars && digits.len() >= 4 && folded.contains(' ');
        // The query's digits in canonical form ("0142" -> "33142").
        let forms = |d: &str| -> Vec<String> {
            let mut v = vec![format!(" {d}")];
            if let Some(rest) = d.strip_prefix("00").filter(|r| !r.is_empty()) {
                v.push(format!(" {rest}"));
            } else if let Some(rest) = d.strip_prefix('0') {
                v.push(format!(" 33{rest}"));
            }
            v
        };
        let word_ok = |i: usize, w: &str| {
            let d = &w[1..];
            self.hay[i].contains(w)
                || (d.len() >= 2
                    && d.bytes().all(|b| b.is_ascii_digit())
                    && (forms(d).iter().any(|f| self.hay[i].contains(f.as_str()))
                        || (d.len() >= 4 && self.nums[i].contains(d))))
        };
        let mut letters = BTreeMap::new();
        let mut hits = Vec::new();
        for i in 0..self.hay.len() {
            let ok = if phone {
                forms(&digits).iter().any(|f| f.len() > 4 && self.nums[i].contains(f.as_str()))
                    || self.nums[i].contains(digits.as_str())
            } else {
                words.iter().all(|w| word_ok(i, w))
            };
            if !ok {
                continue;
            }
            if let Some(GroupFilter::Group(g)) = q.group
                && !self.groups[i].contains(&g)
            {
                continue;
            }
            *letters.entry(self.letter[i]).or_insert(0) += 1;
            hits.push(i);
        }
        let total = hits.len();
        let by_company = q.sort == SortKey::Company;
        let key = |i: &usize| {
            let primary = if by_company { &self.company[*i] } else { &self.name[*i] };
            (primary.is_empty(), primary, &self.name[*i], *i)
        };
        let cmp = |a: &usize, b: &usize| {
            let o = key(a).cmp(&key(b));
            if q.order == Order::Desc { o.reverse() } else { o }
        };
        let k = q.limit.min(hits.len());
        if k > 0 && k < hits.len() {
            hits.select_nth_unstable_by(k, cmp);
            hits.truncate(k);
        }
        hits.sort_by(cmp);
        hits.truncate(k);
        (hits, total, letters)
    }
}

#[cfg(feature = "bench-fts5")]
fn sqlite_build(cs: &[Contact], group_names: &BTreeMap<GroupId, String>) -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
         CREATE TABLE c(id INTEGER PRIMARY KEY, name TEXT, company TEXT, letter TEXT);
         CREATE TABLE cg(gid INTEGER, cid INTEGER, PRIMARY KEY(gid, cid)) WITHOUT ROWID;
         CREATE VIRTUAL TABLE f USING fts5(tokens, content='', detail=none, prefix='1 2', tokenize='unicode61 remove_diacritics 2');",
    )
    .unwrap();
    let gnum: BTreeMap<GroupId, i64> = group_names.keys().enumerate().map(|(i, g)| (*g, i as i64)).collect();
    let tx = db.unchecked_transaction().unwrap();
    {
        let mut ins = tx.prepare("INSERT INTO c(id, name, company, letter) VALUES (?1, ?2, ?3, ?4)").unwrap();
        let mut ft = tx.prepare("INSERT INTO f(rowid, tokens) VALUES (?1, ?2)").unwrap();
        let mut cg = tx.prepare("INSERT OR IGNORE INTO cg(gid, cid) VALUES (?1, ?2)").unwrap();
        for (i, c) in cs.iter().enumerate() {
            let company = fold(&c.fields.company);
            ins.execute(params![
                i as i64,
                fold(&c.fields.full_name),
                if company.is_empty() { None } else { Some(company) },
                letter_of(&c.fields.full_name).to_string()
            ])
            .unwrap();
            ft.execute(params![i as i64, tokens_of(c, group_names)]).unwrap();
            for g in &c.fields.groups {
                cg.execute(params![gnum[g], i as i64]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
    db.execute_batch("CREATE INDEX c_name ON c(name, id); CREATE INDEX c_company ON c(company IS NULL, company, name, id); CREATE INDEX c_letter ON c(letter);").unwrap();
    db
}

#[cfg(feature = "bench-fts5")]
fn sqlite_query(db: &Connection, q: &Query, gnum: &BTreeMap<GroupId, i64>) -> (Vec<i64>, usize, BTreeMap<char, usize>) {
    let words: Vec<String> = fold(&q.q).split(' ').filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"*")).collect();
    let order = match (q.sort, q.order) {
        (SortKey::Company, Order::Asc) => "c.company IS NULL, c.company, c.name, c.id",
        (SortKey::Company, Order::Desc) => "c.company IS NULL DESC, c.company DESC, c.name DESC, c.id DESC",
        (_, Order::Desc) => "c.name DESC, c.id DESC",
        _ => "c.name, c.id",
    };
    let mut filter = String::from("1");
    if !words.is_empty() {
        filter.push_str(&format!(" AND c.id IN (SELECT rowid FROM f WHERE f MATCH '{}')", words.join(" ")));
    }
    if let Some(GroupFilter::Group(g)) = q.group {
        filter.push_str(&format!(" AND c.id IN (SELECT cid FROM cg WHERE gid = {})", gnum[&g]));
    }
    let mut page = Vec::new();
    if q.limit > 0 {
        let sql = format!("SELECT c.id FROM c WHERE {filter} ORDER BY {order} LIMIT {}", q.limit);
        let mut st = db.prepare_cached(&sql).unwrap();
        page = st.query_map([], |r| r.get::<_, i64>(0)).unwrap().map(Result::unwrap).collect();
    }
    let mut letters = BTreeMap::new();
    let mut st =
        db.prepare_cached(&format!("SELECT c.letter, COUNT(*) FROM c WHERE {filter} GROUP BY c.letter")).unwrap();
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap() {
        let (l, n) = row.unwrap();
        letters.insert(l.chars().next().unwrap_or('#'), n as usize);
    }
    let total = letters.values().sum();
    (page, total, letters)
}

// ---------- tantivy peer ----------

/// The same prefolded tokens as FTS5 in a tantivy index held in RAM: a whitespace-tokenized text
/// field with doc ids only (no frequencies or positions), word prefixes as term-range queries over
/// the term dictionary, groups and rail letters as indexed u64 fields, the first page sorted by
/// a u64 fast field and the rail counts by a small collector over the letter column. The sort
/// fields are ranks computed once at build time (what a static index can do; a live index would
/// have to renumber), so this peer is given an advantage on sorted pages.
#[cfg(feature = "bench-tantivy")]
mod tantivy_peer {
    use super::*;
    use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
    use tantivy::columnar::Column;
    use tantivy::query::{AllQuery, BooleanQuery, FuzzyTermQuery, Occur, Query as TQuery, RangeQuery, TermQuery};
    use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
    use tantivy::{DocId, Index, IndexReader, Order as TOrder, Score, SegmentOrdinal, SegmentReader, Term, doc};

    pub struct Peer {
        reader: IndexReader,
        tokens: Field,
        group: Field,
        letter: Field,
        gnum: BTreeMap<GroupId, u64>,
    }

    /// Rank of every contact in the order (empty last, primary, name, id), like the naive scan's.
    fn ranks(cs: &[Contact], primary: impl Fn(&Contact) -> String) -> Vec<u64> {
        let keys: Vec<(bool, String, String)> = cs
            .iter()
            .map(|c| {
                let p = primary(c);
                (p.is_empty(), p, fold(&c.fields.full_name))
            })
            .collect();
        let mut order: Vec<usize> = (0..cs.len()).collect();
        order.sort_by(|a, b| (&keys[*a], a).cmp(&(&keys[*b], b)));
        let mut rank = vec![0u64; cs.len()];
        for (r, i) in order.into_iter().enumerate() {
            rank[i] = r as u64;
        }
        rank
    }

    pub fn build(cs: &[Contact], group_names: &BTreeMap<GroupId, String>) -> Peer {
        let mut sb = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer("ws").set_index_option(IndexRecordOption::Basic),
        );
        let tokens = sb.add_text_field("tokens", text);
        let group = sb.add_u64_field("group", INDEXED);
        let letter = sb.add_u64_field("letter", INDEXED | FAST);
        let sort_fields: Vec<(Field, Vec<u64>)> = [
            ("name", ranks(cs, |c| fold(&c.fields.full_name))),
            ("company", ranks(cs, |c| fold(&c.fields.company))),
            ("department", ranks(cs, |c| fold(&c.fields.department))),
            ("job", ranks(cs, |c| fold(&c.fields.job_title))),
        ]
        .into_iter()
        .map(|(name, r)| (sb.add_u64_field(name, FAST), r))
        .collect();
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register("ws", TextAnalyzer::from(WhitespaceTokenizer::default()));
        let gnum: BTreeMap<GroupId, u64> = group_names.keys().enumerate().map(|(i, g)| (*g, i as u64)).collect();
        let mut w = index.writer_with_num_threads(1, 500_000_000).unwrap();
        for (i, c) in cs.iter().enumerate() {
            let mut d = doc!(tokens => tokens_of(c, group_names), letter => letter_of(&c.fields.full_name) as u64);
            for g in &c.fields.groups {
                d.add_u64(group, gnum[g]);
            }
            for (f, r) in &sort_fields {
                d.add_u64(*f, r[i]);
            }
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
        w.wait_merging_threads().unwrap();
        let reader = index.reader().unwrap();
        Peer { reader, tokens, group, letter, gnum }
    }

    /// Per-letter counts of the matching documents (the A-Z rail).
    struct Letters;
    struct SegLetters {
        col: Column<u64>,
        counts: [usize; 128],
    }
    impl Collector for Letters {
        type Fruit = [usize; 128];
        type Child = SegLetters;
        fn for_segment(&self, _: SegmentOrdinal, seg: &SegmentReader) -> tantivy::Result<SegLetters> {
            Ok(SegLetters { col: seg.fast_fields().u64("letter")?, counts: [0; 128] })
        }
        fn requires_scoring(&self) -> bool {
            false
        }
        fn merge_fruits(&self, fruits: Vec<[usize; 128]>) -> tantivy::Result<[usize; 128]> {
            let mut out = [0; 128];
            for f in fruits {
                out.iter_mut().zip(f).for_each(|(o, n)| *o += n);
            }
            Ok(out)
        }
    }
    impl SegmentCollector for SegLetters {
        type Fruit = [usize; 128];
        fn collect(&mut self, doc: DocId, _: Score) {
            if let Some(l) = self.col.first(doc) {
                self.counts[(l as usize) & 127] += 1;
            }
        }
        fn harvest(self) -> [usize; 128] {
            self.counts
        }
    }

    impl Peer {
        /// (page, total, letters); `fuzzy`: words within one edit of a prefix (tantivy's
        /// Levenshtein automaton), the server's retry for the typo class.
        pub fn query(&self, q: &Query, fuzzy: bool) -> (usize, usize, BTreeMap<char, usize>) {
            let mut must: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
            for w in fold(&q.q).split(' ').filter(|w| !w.is_empty()) {
                let t = Term::from_field_text(self.tokens, w);
                if fuzzy && w.chars().count() >= 5 {
                    must.push((Occur::Must, Box::new(FuzzyTermQuery::new_prefix(t, 1, true))));
                } else {
                    let end = Term::from_field_text(self.tokens, &format!("{w}\u{10FFFF}"));
                    must.push((Occur::Must, Box::new(RangeQuery::new(Bound::Included(t), Bound::Included(end)))));
                }
            }
            if let Some(GroupFilter::Group(g)) = q.group {
                let t = Term::from_field_u64(self.group, self.gnum[&g]);
                must.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
            }
            let rail: Box<dyn TQuery> =
                if must.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(must)) };
            let searcher = self.reader.searcher();
            let letters_arr = searcher.search(rail.as_ref(), &Letters).unwrap();
            let letters: BTreeMap<char, usize> =
                letters_arr.iter().enumerate().filter(|(_, n)| **n > 0).map(|(c, n)| (c as u8 as char, *n)).collect();
            // The page honours the letter filter; the rail does not (as the API does).
            let page_q: Box<dyn TQuery> = match q.letter {
                Some(l) => {
                    let t = Term::from_field_u64(self.letter, l.to_ascii_uppercase() as u64);
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, rail),
                        (Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn TQuery>),
                    ]))
                }
                None => rail,
            };
            let field = match q.sort {
                SortKey::Company => "company",
                SortKey::Department => "department",
                SortKey::JobTitle => "job",
                _ => "name",
            };
            let order = if q.order == Order::Desc { TOrder::Desc } else { TOrder::Asc };
            let (page, total) = if q.limit == 0 {
                (0, searcher.search(page_q.as_ref(), &Count).unwrap())
            } else {
                let top = TopDocs::with_limit(q.limit).order_by_u64_field(field, order);
                let (page, total) = searcher.search(page_q.as_ref(), &(top, Count)).unwrap();
                (page.len(), total)
            };
            (page, total, letters)
        }
    }

    use std::ops::Bound;
}

// ---------- over HTTP ----------

/// The same queries through the real server on a loopback socket: demo sign-in, the generated
/// contacts imported as one CSV file, then `GET /lists/{list}/contacts` one at a time over a
/// keep-alive connection (status, JSON body read in full). Issue 14 compares this with SQLite FTS5
/// in process (no HTTP, no JSON), which favours FTS5.
struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
    base: String,
    list: String,
    group_ids: BTreeMap<GroupId, String>,
    _dir: tempfile::TempDir,
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

impl Http {
    fn start(contacts: &[Contact], group_names: &BTreeMap<GroupId, String>) -> Http {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let n = contacts.len();
        let mut cfg = contactpro::config::Config::default();
        cfg.storage.data_dir = dir.path().to_path_buf();
        cfg.search.default_region = "FR".into();
        cfg.limits.max_import_rows = n + 1;
        cfg.limits.max_contacts_per_list = n + 1;
        cfg.limits.max_import_text_bytes = 1 << 30;
        cfg.server.max_body_bytes = 1 << 30;
        let _enter = rt.enter();
        let state = contactpro::AppState::new(cfg, contactpro::clock::system()).unwrap();
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(contactpro::serve(listener, state, std::future::pending()));
        let client = reqwest::Client::new();
        let (list, group_ids) = rt.block_on(async {
            // Every set-up call answers JSON; a failure stops the benchmark with the answer.
            async fn json(req: reqwest::RequestBuilder) -> serde_json::Value {
                req.send().await.unwrap().json().await.unwrap()
            }
            let persona = serde_json::json!({"tid": "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01", "oid": "bench", "name": "Bench", "upn": "bench@contoso.example"});
            let v = json(client.post(format!("{base}/api/v1/demo/token")).json(&persona)).await;
            let auth = format!("Bearer {}", v["access_token"].as_str().unwrap());
            let post = |path: String| client.post(format!("{base}{path}")).header("authorization", &auth);
            let get = |path: String| client.get(format!("{base}{path}")).header("authorization", &auth);
            json(post("/api/v1/login".into()).json(&serde_json::json!({}))).await;
            let v = json(post("/api/v1/lists".into()).json(&serde_json::json!({"name": "Bench"}))).await;
            let list = v["id"].as_str().unwrap().to_owned();
            let mut csv = String::from("Full Name,Job Title,Email,Mobile,Phone,Company,Department,Street,City,Postal Code,Country,Notes,Groups\n");
            for c in contacts {
                let f = &c.fields;
                let groups: Vec<&str> = f.groups.iter().map(|g| group_names[g].as_str()).collect();
                let row = [
                    &f.full_name, &f.job_title, &f.email, &f.mobile, &f.phone, &f.company, &f.department,
                    &f.address.street, &f.address.city, &f.address.postal_code, &f.address.country, &f.notes,
                    &groups.join(";"),
                ]
                .map(|s| csv_field(s));
                csv.push_str(&row.join(","));
                csv.push('\n');
            }
            let import = post(format!("/api/v1/lists/{list}/imports?on_duplicate=create")).header("content-type", "text/csv");
            let v = json(import.body(csv)).await;
            let job = v["id"].as_str().unwrap_or_else(|| panic!("import refused: {v}")).to_owned();
            loop {
                let v = json(get(format!("/api/v1/jobs/{job}"))).await;
                match v["status"].as_str() {
                    Some("queued" | "running") => tokio::time::sleep(Duration::from_millis(200)).await,
                    _ => {
                        assert_eq!(v["imported"].as_u64(), Some(n as u64), "import: {v}");
                        break;
                    }
                }
            }
            let v = json(get(format!("/api/v1/lists/{list}/groups"))).await;
            let by_name: BTreeMap<String, String> = v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| (g["name"].as_str().unwrap().to_owned(), g["id"].as_str().unwrap().to_owned()))
                .collect();
            let ids = group_names.iter().filter_map(|(g, name)| Some((*g, by_name.get(name)?.clone()))).collect();
            ((list, auth.clone()), ids)
        });
        let (list, auth) = list;
        let client = reqwest::Client::builder()
            .default_headers([(reqwest::header::AUTHORIZATION, auth.parse().unwrap())].into_iter().collect())
            .build()
            .unwrap();
        Http { rt, client, base, list, group_ids, _dir: dir }
    }

    /// One search: (wall time, total).
    fn query(&self, q: &Query) -> (Duration, u64) {
        let sort = match q.sort {
            SortKey::FullName => "full_name",
            SortKey::JobTitle => "job_title",
            SortKey::Company => "company",
            SortKey::Department => "department",
            SortKey::Mobile => "mobile",
            SortKey::Email => "email",
            SortKey::UpdatedAt => "updated_at",
            SortKey::FamilyName => "family_name",
        };
        let mut params: Vec<(&str, String)> = vec![
            ("q", q.q.clone()),
            ("sort", sort.into()),
            ("order", if q.order == Order::Desc { "desc" } else { "asc" }.into()),
            ("per_page", q.limit.max(1).to_string()),
        ];
        match q.group {
            Some(GroupFilter::Group(g)) => params.push(("group", self.group_ids[&g].clone())),
            Some(GroupFilter::NoGroup) => params.push(("group", "none".into())),
            None => {}
        }
        if let Some(l) = q.letter {
            params.push(("letter", l.to_string()));
        }
        let url = format!("{}/api/v1/lists/{}/contacts", self.base, self.list);
        self.rt.block_on(async {
            let t = Instant::now();
            let r = self.client.get(&url).query(&params).send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            let body = r.bytes().await.unwrap();
            let wall = t.elapsed();
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            (wall, v["total"].as_u64().unwrap_or(0))
        })
    }
}

// ---------- measurement ----------

fn pct(v: &mut [Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn rss_kib() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time of this thread (ns): on a shared machine the wall-clock p99 includes time spent
/// preempted by other processes; CPU time does not.
fn cpu_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// (wall, cpu) of one call; the CPU probe's own cost is subtracted.
fn time_both<T>(overhead: u64, f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let c0 = cpu_ns();
    let t = Instant::now();
    let v = f();
    let wall = t.elapsed();
    let cpu = cpu_ns().saturating_sub(c0).saturating_sub(overhead);
    (v, wall, Duration::from_nanos(cpu))
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

fn run(n: usize, n_index: usize, n_base: usize, with_sqlite: bool, with_http: bool) {
    println!("\n## {n} contacts\n");
    let overhead = (0..100).map(|_| time_both(0, || ()).2.as_nanos() as u64).min().unwrap_or(0);
    let mut r = Rng(42);
    let groups: Vec<GroupId> = (0..20).map(|i| GroupId::from_u128(0xB0 + i)).collect();
    let group_names: BTreeMap<GroupId, String> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            (*g, format!("Groupe {} {}", ["Clients", "Fournisseurs", "Partenaires", "Presse", "Équipe"][i % 5], i))
        })
        .collect();
    let cos = companies(&mut r);
    let (contacts, t_gen) = time(|| (0..n as u64).map(|i| gen_contact(&mut r, i, &cos, &groups)).collect::<Vec<_>>());
    println!("generated in {:.1} s", t_gen.as_secs_f64());

    let rss0 = rss_kib();
    let region = Region::new("FR").map(std::sync::Arc::new);
    let (ix, t_build) = time(|| {
        ListIndex::build_in(region.clone(), contacts.iter().cloned(), group_names.iter().map(|(g, s)| (*g, s.clone())))
    });
    let rss1 = rss_kib();
    let mem = ix.memory_bytes();
    println!(
        "index build: {:.2} s; memory_bytes: {:.1} MB = {:.0} B/contact; RSS growth during build: {:.0} B/contact",
        t_build.as_secs_f64(),
        mem as f64 / 1e6,
        mem as f64 / n as f64,
        (rss1.saturating_sub(rss0) * 1024) as f64 / n as f64
    );

    for (part, bytes) in ix.memory_report() {
        println!("  {part:<28} {:>7.1} B/contact", bytes as f64 / n as f64);
    }
    println!("  terms: {}", ix.term_count());
    let (naive, t_naive) = time(|| Naive::build(&contacts, &group_names));
    println!("naive prefold: {:.2} s", t_naive.as_secs_f64());
    #[cfg(feature = "bench-fts5")]
    let gnum: BTreeMap<GroupId, i64> = group_names.keys().enumerate().map(|(i, g)| (*g, i as i64)).collect();
    #[cfg(feature = "bench-fts5")]
    let db = with_sqlite.then(|| {
        let (db, t) = time(|| sqlite_build(&contacts, &group_names));
        println!("sqlite fts5 build: {:.1} s", t.as_secs_f64());
        db
    });
    #[cfg(not(feature = "bench-fts5"))]
    if with_sqlite {
        println!("sqlite fts5: skipped (build with --features bench-fts5)");
    }
    #[cfg(feature = "bench-tantivy")]
    let tv = {
        let rss_t0 = rss_kib();
        let (tv, t) = time(|| tantivy_peer::build(&contacts, &group_names));
        println!(
            "tantivy build: {:.1} s; RSS growth {:.0} B/contact",
            t.as_secs_f64(),
            (rss_kib().saturating_sub(rss_t0) * 1024) as f64 / n as f64
        );
        tv
    };
    #[cfg(not(feature = "bench-tantivy"))]
    println!("tantivy: skipped (build with --features bench-tantivy)");

    println!(
        "\n| query class | index p50 ms | index p99 ms | index CPU p50 | index CPU p99 | naive p50 | naive p99 | fts5 p50 | fts5 p99 | tantivy p50 | tantivy p99 | naive/index (p50) | fts5/index (p50) | tantivy/index (p50) | tantivy/index (p99) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // FTS5 samples per class, for the HTTP comparison below.
    let mut fts_by_class: Vec<Vec<Duration>> = Vec::new();
    for (class, label) in CLASSES {
        let mut qr = Rng(7 + class as u64);
        let qs: Vec<Query> = (0..n_index).map(|_| gen_query(&mut qr, class, &contacts, &groups)).collect();
        let (mut ti, mut tc): (Vec<Duration>, Vec<Duration>) = qs
            .iter()
            .map(|q| {
                let (_, wall, cpu) = time_both(overhead, || std::hint::black_box(ix.query(q)));
                (wall, cpu)
            })
            .unzip();
        // No baseline does typo tolerance.
        let base = if class == Class::Typo { &qs[..0] } else { &qs[..n_base.min(qs.len())] };
        let mut tn: Vec<Duration> = Vec::new();
        for q in base {
            let ((page, total, letters), t) = time(|| naive.query(q));
            tn.push(t);
            // Cross-check totals and letters (pages differ only by the id tie-break).
            let res = ix.query(q);
            assert_eq!((res.total, &res.letters), (total, &letters), "naive disagrees on {:?}", q.q);
            assert_eq!(res.ids.len(), page.len());
        }
        #[allow(unused_mut)]
        let mut tf: Vec<Duration> = Vec::new();
        #[cfg(feature = "bench-fts5")]
        if let Some(db) = &db {
            for q in base {
                let ((_, total, _), t) = time(|| sqlite_query(db, q, &gnum));
                tf.push(t);
                // FTS5 matches digits from the start of a token only (no national forms, no runs).
                if !matches!(class, Class::Phone | Class::PhoneNational | Class::DigitRun) {
                    assert_eq!(total, ix.query(q).total, "fts5 disagrees on {:?}", q.q);
                }
            }
        }
        // tantivy gets as many queries as the index (it is fast enough), the typo class included
        // (its fuzzy prefix query against the server's retry).
        #[allow(unused_mut)]
        let mut tt: Vec<Duration> = Vec::new();
        #[cfg(feature = "bench-tantivy")]
        for q in &qs {
            let ((page, total, _), t) = time(|| tv.query(q, class == Class::Typo));
            tt.push(t);
            if !matches!(class, Class::Phone | Class::PhoneNational | Class::DigitRun | Class::Typo) {
                let res = ix.query(q);
                assert_eq!((total, page), (res.total, res.ids.len()), "tantivy disagrees on {:?}", q.q);
            }
        }
        fts_by_class.push(tf.clone());
        let (i50, i99) = (pct(&mut ti, 0.5), pct(&mut ti, 0.99));
        let (c50, c99) = (pct(&mut tc, 0.5), pct(&mut tc, 0.99));
        let (n50, n99) = (pct(&mut tn, 0.5), pct(&mut tn, 0.99));
        let (f50, f99) =
            if tf.is_empty() { (Duration::ZERO, Duration::ZERO) } else { (pct(&mut tf, 0.5), pct(&mut tf, 0.99)) };
        let (t50, t99) =
            if tt.is_empty() { (Duration::ZERO, Duration::ZERO) } else { (pct(&mut tt, 0.5), pct(&mut tt, 0.99)) };
        let ratio_to = |b: Duration, i: Duration| {
            if b.is_zero() { "-".to_string() } else { format!("{:.1}x", b.as_secs_f64() / i.as_secs_f64().max(1e-9)) }
        };
        let ratio = |b: Duration| ratio_to(b, i50);
        println!(
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            ms(i50),
            ms(i99),
            ms(c50),
            ms(c99),
            ms(n50),
            ms(n99),
            ms(f50),
            ms(f99),
            ms(t50),
            ms(t99),
            ratio(n50),
            ratio(f50),
            ratio(t50),
            ratio_to(t99, i99)
        );
    }

    if with_http {
        let (http, t) = time(|| Http::start(&contacts, &group_names));
        println!("\nHTTP: server started and {n} contacts imported as CSV in {:.1} s", t.as_secs_f64());
        println!(
            "\n| query class | HTTP p50 ms | HTTP p99 ms | fts5 in process p50 | fts5 in process p99 | fts5/HTTP (p99) | totals as in process |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|");
        let (mut all_http, mut all_fts) = (Vec::new(), Vec::new());
        for ((class, label), mut tf) in CLASSES.into_iter().zip(fts_by_class) {
            let mut qr = Rng(7 + class as u64);
            let qs: Vec<Query> = (0..n_index).map(|_| gen_query(&mut qr, class, &contacts, &groups)).collect();
            let _ = http.query(&qs[0]); // warm the connection and the list's index
            let mut th = Vec::with_capacity(qs.len());
            let mut same = 0;
            for q in &qs {
                let (t, total) = http.query(q);
                th.push(t);
                same += usize::from(total as usize == ix.query(q).total);
            }
            all_http.extend(th.iter().copied());
            all_fts.extend(tf.iter().copied());
            let (h50, h99) = (pct(&mut th, 0.5), pct(&mut th, 0.99));
            let (f50, f99) =
                if tf.is_empty() { (Duration::ZERO, Duration::ZERO) } else { (pct(&mut tf, 0.5), pct(&mut tf, 0.99)) };
            let ratio = if f99.is_zero() {
                "-".to_string()
            } else {
                format!("{:.1}x", f99.as_secs_f64() / h99.as_secs_f64().max(1e-9))
            };
            println!(
                "| {label} | {} | {} | {} | {} | {ratio} | {same}/{} |",
                ms(h50),
                ms(h99),
                ms(f50),
                ms(f99),
                qs.len()
            );
        }
        let (h99, f99) = (pct(&mut all_http, 0.99), pct(&mut all_fts, 0.99));
        println!(
            "| **overall** (every class; fts5 without the typo class) | {} | {} | {} | {} | {:.1}x | |",
            ms(pct(&mut all_http, 0.5)),
            ms(h99),
            ms(pct(&mut all_fts, 0.5)),
            ms(f99),
            f99.as_secs_f64() / h99.as_secs_f64().max(1e-9)
        );
    }

    // Duplicate clustering over the whole list (what GET .../duplicates does after reading it).
    let rss_d0 = rss_kib();
    let (clusters, t_dups) = time(|| {
        let mut d = Duplicates::new(REGION.as_ref());
        contacts.iter().for_each(|c| d.add(c));
        d.clusters()
    });
    println!(
        "\nduplicates: {} clusters in {:.0} ms ({} contacts in clusters); RSS growth {:.1} MB",
        clusters.len(),
        t_dups.as_secs_f64() * 1e3,
        clusters.iter().map(|c| c.ids.len()).sum::<usize>(),
        (rss_kib().saturating_sub(rss_d0) * 1024) as f64 / 1e6
    );
    drop(clusters);

    // Updates: replace existing contacts one by one (the store's path for edits and imports),
    // enough of them (n/8 + 2000) to trigger one compaction, whose pause shows as the max.
    let mut ix = ix;
    let mut ur = Rng(99);
    let n_up = n / 8 + 2000;
    let mut lat: Vec<Duration> = Vec::with_capacity(n_up);
    for i in 0..n_up {
        let mut c = contacts[ur.below(contacts.len())].clone();
        c.fields.notes = format!("edited {i}");
        lat.push(time(|| ix.upsert(&c)).1);
    }
    let mean = lat.iter().sum::<Duration>() / n_up as u32;
    let max = *lat.iter().max().unwrap_or(&Duration::ZERO);
    println!(
        "\n{n_up} upserts of existing contacts: mean {:.1} µs, p50 {:.1} µs, p99 {:.1} µs, max {:.1} ms (a compaction)",
        mean.as_secs_f64() * 1e6,
        pct(&mut lat, 0.5).as_secs_f64() * 1e6,
        pct(&mut lat, 0.99).as_secs_f64() * 1e6,
        max.as_secs_f64() * 1e3
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let n_index: usize = std::env::var("BENCH_QUERIES").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let n_base: usize = std::env::var("BENCH_BASELINE_QUERIES").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    let with_sqlite = std::env::var("BENCH_NO_SQLITE").is_err();
    let with_http = std::env::var("BENCH_HTTP").is_ok();
    println!("# contactpro search benchmark ({n_index} queries per class for the index, {n_base} for the baselines)");
    for n in sizes {
        run(n, n_index, n_base, with_sqlite, with_http);
    }
}
