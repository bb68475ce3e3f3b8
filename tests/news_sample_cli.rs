//! `mizan run news-sample -e news-rules` end to end: the SANA-style stories written for the
//! speaker rules (datasets/news-sample), scored from the command line. The figures are the ones
//! docs/extractors/news-rules.md states; a change to the rules that loses a quotation or a
//! speaker fails here.

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn run_news_sample() -> (Value, String) {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().args(["run", "news-sample", "-e", "news-rules", "--quiet", "--out"]).arg(out.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap()).unwrap();
    let predictions = std::fs::read_to_string(out.path().join("predictions/news-rules.jsonl")).unwrap();
    (report, predictions)
}

#[test]
fn every_quotation_and_speaker_of_the_news_sample_is_found() {
    let (report, _) = run_news_sample();
    assert_eq!(report["dataset"]["name"], "news-sample");
    assert_eq!(report["dataset"]["articles"], 21);
    let quote = &report["extractors"]["news-rules"]["layers"]["quote"];
    let strict = &quote["overall"]["strict"];
    assert_eq!((strict["correct"].as_u64(), strict["possible"].as_u64(), strict["actual"].as_u64()), (Some(107), Some(107), Some(107)), "{strict}");
    assert_eq!(quote["overall"]["strict+attrs"]["f1"], 1.0, "{}", quote["overall"]["strict+attrs"]);
    assert_eq!(quote["attributes"]["speaker"]["correct"], 101, "{}", quote["attributes"]);
    assert_eq!(quote["attributes"]["speaker"]["compared"], 101, "{}", quote["attributes"]);
    assert_eq!(report["extractors"]["news-rules"]["layers"]["dateline"]["overall"]["strict+attrs"]["f1"], 1.0);
}

/// The speaker of each predicted quotation, keyed by the quotation's first words.
fn speaker_of(predictions: &str, opening: &str) -> Option<String> {
    let span: Value = predictions
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|s| s["layer"] == "quote" && s["text"].as_str().is_some_and(|t| t.starts_with(opening)))
        .unwrap_or_else(|| panic!("no quotation opening with {opening}"));
    span["attrs"]["speaker"].as_str().map(str::to_string)
}

#[test]
fn speakers_come_from_titles_pronouns_gender_and_attributions() {
    let (_, predictions) = run_news_sample();
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("a family name with the article, introduced in another role", "إن العلاقات السورية العمانية", Some("الخطيب")),
        ("a definite title without a name (الوزير العماني)", "لم تقطع علاقاتها", Some("الكندي")),
        ("a title phrase running through في (مدير المؤسسة … في حلب المهندس نزار قدور)", "عملت على مدى", Some("قدور")),
        ("وأضافت after a masculine speaker goes back to the feminine one", "سيتحول إلى تقليد", Some("الحسن")),
        ("a subject before its verb (وكانت … لوند قد قالت)", "إن الاحتياجات الإنسانية", Some("لوند")),
        ("بالقول after the sentence's subject (ورد الحموي على ذلك بالقول)", "نحن نرحب", Some("الحموي")),
        ("نقلت … عن … سيدوروف قوله", "إن الدفاعات الجوية", Some("سيدوروف")),
        ("بحسب after the quotation", "لم تسفر الهجمات", Some("سيدوروف")),
        ("a family name ending in ة after a given name", "لن نترك أرضنا", Some("شحادة")),
        ("a present-tense verb (ويرى دعبول)", "الفن السوري", Some("دعبول")),
        ("an unnamed speaker (أحد سكان الحي) has no speaker", "المياه هي الحياة", None),
        ("a participle after an unnamed speaker", "وصول المياه إلى المنازل", None),
        ("a ministry speaks for itself", "أن وسائط الدفاع الجوي", None),
        ("a title phrase running on after إلى to an honorific", "بنية صادقة", Some("العمر")),
        ("عبد الحميد الأحمد: the family name after a compound given name", "تجاوزت ثلاثين ألف طن", Some("الأحمد")),
        ("a compound family name (خير بك)", "الكادر التمريضي", Some("خير بك")),
        ("a subject before its verb after وكان, without قد", "شهدت نقاشات جدية", Some("بيترسون")),
        ("a feminine title after the quotation (أضافت الوزيرة)", "سنتابع كل مشروع", Some("الشامي")),
        ("a kunya after a title (المزارعة أم محمد)", "فرحتنا لا توصف", Some("أم محمد")),
        ("a colon after an institution names no one", "إن استمرار هذه الاعتداءات", None),
        ("a generic role with an adjective (الدبلوماسي الروسي)", "تعمل على عقد اجتماع جديد", Some("بوغدانوف")),
        ("a definite title alone (وقال الوزير)", "إن دخول مجموعة التوليد", Some("الزامل")),
    ];
    for &(why, opening, want) in cases {
        assert_eq!(speaker_of(&predictions, opening).as_deref(), want, "{why}");
    }
}
