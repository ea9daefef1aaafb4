"""Every hostile input through the whole pipeline, in one run over one folder.

Empty, blank and binary files, legacy encodings, BOMs, duplicates, file names
built to break SQL and shells, a 20 MB file, a government text of another
kind and a saved web page sit beside the sample reports; so do the entries of
issue 11: a named pipe, a device, a dangling link, a link loop, links out of
the folder (to /etc/passwd, to a directory), two names that escape alike, a
file over 1 GiB, one over the size limit, a 15 MB report on one line without
sentence punctuation and a page of 100,000 nested <div>s. The run must
succeed, publish the samples' facts, account for every entry with a reason,
keep every text, and give the re-encoded copies of a report the same facts as
the report itself. A second, incremental run changes and removes the files
with hostile names (the paths that delete rows by name) and edits one file
keeping its size and modification time.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import time
from pathlib import Path

import pytest

from conftest import SEEDS, Pipeline, materialization_metadata, step_failures
from fazhi_read import folder as reports_folder

pytestmark = pytest.mark.integration

HERE = Path(__file__).parent
INGEST_FIXTURES = HERE.parent / "ingest" / "fixtures"
FACT_TABLES = ["fct_metric_values", "fct_cases", "fct_mediation", "fct_review_rates"]
# Columns that name the report a row belongs to; everything else about a fact
# (value, comparator, metric, offsets, evidence) must be the same for the same
# text however its bytes were encoded.
REPORT_KEYS = {"report_id", "fact_id"}

QUOTED = "a b'c;d\"报告.txt"
INJECTION = "x'); DROP TABLE raw.report_files; --.txt"
BIG = "大文件/20MB 报告.txt"
NOTICE = "其他公文/关于做好元旦春节期间安全生产工作的通知.txt"
PAGE = "网页存档/法治政府建设情况报告.html"
PAGE_TWIN = "文本/法治政府建设情况报告.txt"
SAME_SIZE = "编码/utf-8 bom.txt"  # edited in place on the second run, size and mtime kept
LITERAL = "名字/a\\xff.txt"  # a name with a backslash, x, f, f in it ...
ESCAPED = "名字/a\\xff.txt (undecodable name 2)"  # ... and b"a\xff.txt", which escapes to the same


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def variant(text: str, note: str) -> str:
    """The text plus a closing line without figures: another report, the same facts.

    Without it a re-encoded copy decodes to the very same text and is, rightly,
    a duplicate of its original.
    """
    return text.rstrip("\n") + f"\n（{note}）\n"


def build_folder(reports: Path) -> dict[str, dict]:
    """Write the hostile folder; returns what each file should become.

    Each entry: status, reason code (non-accepted), text (the decoded text the
    warehouse must hold), original (the UTF-8 file whose facts it must share).
    """
    seeds = seed_texts()
    traditional = (INGEST_FIXTURES / "traditional_report.txt").read_text(encoding="utf-8")
    body = (INGEST_FIXTURES / "gov_report_body.txt").read_bytes()
    page = (INGEST_FIXTURES / "gov_report_page.html").read_text(encoding="utf-8")
    rng = random.Random(20240101)
    noise = bytes(rng.randrange(256) for _ in range(8192))
    noise = noise[:100] + b"\x00\x00\x00" + noise[100:]  # NULs at both parities: not UTF-16

    files: dict[str, tuple[bytes, dict]] = {}

    def add(name: str, data: bytes, **expect) -> None:
        files[name] = (data, expect)

    for path in sorted(SEEDS.glob("*.txt")):
        add(path.name, path.read_bytes(), status="accepted", text=path.read_text(encoding="utf-8"))
    add("empty.txt", b"", status="rejected", code="empty")
    add("blank.txt", " \t\r\n\u3000\u3000\r\n\n".encode("utf-8"), status="rejected", code="empty")
    add("random.bin", noise, status="rejected", code="binary")
    # a PDF with a broken structure: its reader says so
    add("扫描件.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + noise[:2000],
        status="rejected", code="corrupt")

    # Encodings: each a variant of a UTF-8 report in the folder.
    gb = variant(seeds[1], "本件以国标扩展编码另存")
    add("编码/gb18030.txt", gb.encode("gb18030"), status="accepted", text=gb, encoding="gb18030",
        original=sorted(SEEDS.glob("*.txt"))[1].name)
    add("编码/traditional utf-8.txt", traditional.encode("utf-8"), text=traditional)  # status: see below
    b5 = variant(traditional, "本件以大五碼另存")
    add("编码/big5.txt", b5.encode("big5"), status="accepted", text=b5, encoding="big5",
        original="编码/traditional utf-8.txt")
    bom = variant(seeds[2], "本件带字节顺序标记")
    add("编码/utf-8 bom.txt", b"\xef\xbb\xbf" + bom.encode("utf-8"), status="accepted", text=bom,
        encoding="utf-8-sig", original=sorted(SEEDS.glob("*.txt"))[2].name)
    u16 = variant(seeds[3], "本件以双字节编码另存")
    add("编码/utf-16le bom.txt", b"\xff\xfe" + u16.encode("utf-16-le"), status="accepted", text=u16,
        encoding="utf-16", original=sorted(SEEDS.glob("*.txt"))[3].name)

    # Duplicates: the same bytes under another name, and the same text in other bytes.
    add("副本/copy of a report.txt", sorted(SEEDS.glob("*.txt"))[4].read_bytes(), status="duplicate",
        code="duplicate", text=seeds[4], duplicate_of=sorted(SEEDS.glob("*.txt"))[4].name)
    add("重编码/同文不同码.txt", seeds[0].encode("gb18030"), status="duplicate", code="duplicate",
        text=seeds[0], encoding="gb18030", duplicate_of=sorted(SEEDS.glob("*.txt"))[0].name)

    # Names that break naive SQL or shell quoting; accepted reports of their own.
    for name, note in ((QUOTED, "本件文件名含引号"), (INJECTION, "本件文件名含分号")):
        text = variant(seeds[4], note)
        add(name, text.encode("utf-8"), status="accepted", text=text, original=sorted(SEEDS.glob("*.txt"))[4].name)

    # 20 MB: a report pasted over and over (a bad export); every figure is a restatement.
    block = seeds[4].rstrip("\n") + "\n"
    big = block * (20 * 10**6 // len(block.encode("utf-8")) + 1)
    add(BIG, big.encode("utf-8"), status="accepted", text=big)

    notice = (HERE / "fixtures" / "notice.txt").read_text(encoding="utf-8")
    add(NOTICE, notice.encode("utf-8"), status="accepted", text=notice)

    # The saved page and the same report as .txt in another folder.
    add(PAGE, page.encode("utf-8"), status="accepted")
    add(PAGE_TWIN, body, text=body.decode("utf-8"))

    # A file whose text is already in the folder is a duplicate of the first
    # (by path) with that text. The fixtures decide this for two files: the
    # page's .txt twin is a copy of a sample report, and the traditional
    # fixture may be one too; their facts are then their twin's.
    first: dict[str, str] = {}
    for name in sorted(files):
        expect = files[name][1]
        if expect.get("status", "accepted") != "accepted" or "text" not in expect:
            continue
        twin = first.setdefault(expect["text"], name)
        if twin != name:
            expect.update(status="duplicate", code="duplicate", duplicate_of=twin)
        else:
            expect["status"] = "accepted"

    for name, (data, _) in files.items():
        path = reports / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    expected = {name: expect for name, (_, expect) in files.items()}
    expected.update(add_entries_that_are_not_plain_files(reports, seeds))
    return expected


def add_entries_that_are_not_plain_files(reports: Path, seeds: list[str]) -> dict[str, dict]:
    """Issue 11: entries that stopped every run, leaked data or exhausted memory."""
    special = reports / "特殊"
    special.mkdir()
    outside = reports.parent / "outside"
    outside.mkdir()
    (outside / "report.txt").write_text(seeds[0], encoding="utf-8")
    expected: dict[str, dict] = {}

    def rejected(name: str, code: str) -> None:
        expected[name] = {"status": "rejected", "code": code}

    os.mkfifo(special / "pipe.txt")
    rejected("特殊/pipe.txt", "unreadable")
    try:
        os.mknod(special / "null.txt", 0o644 | 0o020000, os.makedev(1, 3))
        rejected("特殊/null.txt", "unreadable")
    except PermissionError:
        pass  # no CAP_MKNOD here: the pipe stands for every special file
    (special / "dangling.txt").symlink_to("nowhere.txt")
    rejected("特殊/dangling.txt", "unreadable")
    (special / "loop_a.txt").symlink_to("loop_b.txt")
    (special / "loop_b.txt").symlink_to("loop_a.txt")
    rejected("特殊/loop_a.txt", "unreadable")
    rejected("特殊/loop_b.txt", "unreadable")
    (special / "passwd.txt").symlink_to("/etc/passwd")
    rejected("特殊/passwd.txt", "outside_folder")
    (special / "outside.txt").symlink_to(outside / "report.txt")
    rejected("特殊/outside.txt", "outside_folder")
    (special / "outside_dir").symlink_to(outside)
    rejected("特殊/outside_dir", "outside_folder")
    with (special / "over_1_gib.txt").open("wb") as handle:  # sparse
        handle.truncate(2**30 + 1)
    rejected("特殊/over_1_gib.txt", "too_large")
    (special / "over_the_limit.txt").write_bytes(seeds[0].encode("utf-8") * (21 * 2**20 // len(seeds[0].encode()) + 1))
    rejected("特殊/over_the_limit.txt", "too_large")
    nested = "<html><body>" + "<div>" * 100_000 + "<p>全年办理行政复议案件12件。</p>" + "</div>" * 100_000 + "</body></html>"
    (special / "nested.html").write_text(nested, encoding="utf-8")
    rejected("特殊/nested.html", "too_complex")
    line = re.sub(r"[。！？!?；;\n]", "", "".join(seeds))
    one_line = line * (15 * 10**6 // len(line.encode("utf-8")) + 1)
    (special / "one_line.txt").write_text(one_line, encoding="utf-8")
    expected["特殊/one_line.txt"] = {"status": "accepted", "text": one_line}

    names = reports / "名字"
    names.mkdir()
    for raw, note in ((b"a\\xff.txt", "本件文件名含反斜杠"), (b"a\xff.txt", "本件文件名含无效字节")):
        text = variant(seeds[3], note)
        with open(os.path.join(os.fsencode(names), raw), "wb") as handle:
            handle.write(text.encode("utf-8"))
        expected[LITERAL if b"\\" in raw else ESCAPED] = {"status": "accepted", "text": text}
    return expected


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    p = Pipeline(reports=root / "reports", warehouse=root / "wh" / "fazhi.duckdb")
    expected = build_folder(p.reports)
    # Past the window in which a just-written file's stat is not trusted, so the
    # first run records stat keys and the same-size edit below tests the quick check.
    time.sleep(reports_folder.RACY_NS / 1e9 + 0.1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_REPORTS_DIR", str(p.reports))
        mp.setenv("FAZHI_WAREHOUSE", str(p.warehouse))
        mp.delenv("FAZHI_WORK_DB", raising=False)
        mp.delenv("FAZHI_MAX_FILE_BYTES", raising=False)  # the 20 MB file is under the default limit
        result = p.run()
        assert result.success, step_failures(result)
        yield p, expected, result


def on_disk(reports: Path) -> list[str]:
    """Every entry ingest must account for: files, links and special files, not directories."""
    from fazhi_read import folder as reports_folder

    files, unlistable = reports_folder.list_files(reports)
    assert unlistable == []
    return sorted(reports_folder._unique_names(files, reports).values())


def report_id_of(p: Pipeline, source_file: str) -> str:
    """The accepted report holding this file's text (itself, or its twin for a duplicate)."""
    (rid,) = p.query(
        """
        SELECT a.report_id FROM raw.report_files f
        JOIN raw.report_files a ON a.source_file = coalesce(f.duplicate_of, f.source_file)
        WHERE f.source_file = ? AND a.status = 'accepted'
        """,
        [source_file],
    )[0]
    return rid


def facts(p: Pipeline, report_id: str, table: str) -> list[tuple]:
    cols = [r[0] for r in p.query(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ? "
        "ORDER BY column_index", [table]) if r[0] not in REPORT_KEYS]
    select = ", ".join(f'"{c}"' for c in cols)
    return p.query(f"SELECT {select} FROM marts.{table} WHERE report_id = ? ORDER BY ALL", [report_id])


def test_run_succeeds_and_raw_report_files_has_one_row_per_file_named_as_on_disk(hostile):
    # Catches a file missed or a name escaped/mangled (quotes doubled, Chinese
    # as \x escapes); and a name pasted into SQL, which would drop the table.
    p, expected, result = hostile
    names = on_disk(p.reports)
    assert names == sorted(expected)
    # Exact names back, quotes, spaces and all; and the table the hostile name targets is still there.
    assert [r[0] for r in p.query("SELECT source_file FROM raw.report_files ORDER BY 1")] == names
    meta = materialization_metadata(result, ["raw", "report_files"])
    assert meta["files"] == len(names)
    assert (meta["accepted"], meta["duplicate"], meta["rejected"]) == tuple(
        sum(e["status"] == s for e in expected.values()) for s in ("accepted", "duplicate", "rejected")
    )


def test_each_file_has_its_status_and_a_reason_code_first(hostile):
    p, expected, _ = hostile
    rows = {r[0]: r[1:] for r in p.query(
        "SELECT source_file, status, reason, duplicate_of, encoding FROM raw.report_files")}
    for name, expect in expected.items():
        status, reason, duplicate_of, encoding = rows[name]
        assert status == expect["status"], (name, reason)
        if status == "accepted":
            assert reason is None, name
        else:
            code, _, sentence = reason.partition(": ")
            assert code == expect["code"] and sentence.strip(), (name, reason)
        if "duplicate_of" in expect:
            assert duplicate_of == expect["duplicate_of"], name
        if "encoding" in expect:
            assert encoding == expect["encoding"], name


def test_every_text_is_in_the_warehouse_duplicates_too(hostile):
    # Catches a wrong codec (mojibake), a BOM kept as a character, a duplicate
    # stored without its text, a big text truncated on the way into DuckDB.
    p, expected, _ = hostile
    stored = dict(p.query("SELECT source_file, text FROM raw.report_files WHERE status <> 'rejected'"))
    for name, expect in expected.items():
        if "text" in expect and expect["status"] != "rejected":
            # Compared in Python: a 20 MB value must come back whole, not truncated.
            assert stored[name] == expect["text"].replace("\r\n", "\n"), name
    size, sha = p.query("SELECT size_bytes, sha256 FROM raw.report_files WHERE source_file = ?", [BIG])[0]
    data = (p.reports / BIG).read_bytes()
    assert size == len(data) > 20 * 10**6 and sha == hashlib.sha256(data).hexdigest()


def test_dim_report_has_every_accepted_file_under_its_exact_name(hostile):
    p, expected, _ = hostile
    accepted = sorted(n for n, e in expected.items() if e["status"] == "accepted")
    assert [r[0] for r in p.query("SELECT source_file FROM marts.dim_report ORDER BY 1")] == accepted
    assert {QUOTED, INJECTION, BIG, NOTICE, PAGE} <= set(accepted)


def test_another_kind_of_government_text_is_accepted_and_marked(hostile):
    p, _, _ = hostile
    kinds = dict(p.query("SELECT source_file, kind FROM marts.dim_report"))
    assert kinds[NOTICE] == "other_government_text"
    # The sample reports are rule-of-law reports: the mark is not given to everything.
    assert {kinds[s.name] for s in SEEDS.glob("*.txt")} == {"rule_of_law_report"}


@pytest.mark.parametrize("name", ["编码/gb18030.txt", "编码/big5.txt", "编码/utf-8 bom.txt",
                                  "编码/utf-16le bom.txt", QUOTED, INJECTION])
def test_reencoded_or_renamed_report_has_the_same_facts_as_its_utf8_original(hostile, name):
    # Catches offsets counted in bytes or with the BOM (all spans shifted), a
    # legacy encoding read with the wrong table (figures lost), and for the
    # hostile names a report dropped or mis-joined in the marts by its name.
    p, expected, _ = hostile
    original = expected[name]["original"]
    mine, theirs = report_id_of(p, name), report_id_of(p, original)
    assert mine != theirs  # separate reports (other bytes, other text) ...
    for table in FACT_TABLES:  # ... with the very same facts, offsets and evidence
        assert facts(p, mine, table) == facts(p, theirs, table), table
    assert facts(p, theirs, "fct_metric_values"), "the original has no facts: nothing compared"
    meta = "SELECT region_code, report_year, kind, script FROM marts.dim_report WHERE report_id = ?"
    assert p.query(meta, [mine]) == p.query(meta, [theirs])


def test_saved_web_page_has_the_same_facts_as_the_report_as_txt(hostile):
    p, _, _ = hostile
    page_id, txt_id = report_id_of(p, PAGE), report_id_of(p, PAGE_TWIN)
    # The page's article text carries a 发布时间/来源 line the .txt lacks, so it is
    # its own report, with offsets of its own; what it states must be the same.
    assert page_id != txt_id
    q = "SELECT metric_code, value, comparator, source FROM marts.fct_metric_values WHERE report_id = ? ORDER BY ALL"
    txt_facts = p.query(q, [txt_id])
    assert txt_facts and p.query(q, [page_id]) == txt_facts
    html, text = p.query("SELECT raw_html, text FROM raw.report_files WHERE source_file = ?", [PAGE])[0]
    assert html == (INGEST_FIXTURES / "gov_report_page.html").read_text(encoding="utf-8")
    # Every line of the report is in the page's article text, in order.
    body = [line for line in (p.reports / PAGE_TWIN).read_text(encoding="utf-8").split("\n") if line.strip()]
    assert [line for line in text.split("\n") if line in set(body)] == body


def test_the_samples_facts_are_published_beside_every_hostile_entry(hostile):
    p, _, _ = hostile
    with_facts = {r[0] for r in p.query(
        "SELECT DISTINCT d.source_file FROM marts.fct_metric_values v JOIN marts.dim_report d USING (report_id)")}
    assert {s.name for s in SEEDS.glob("*.txt")} <= with_facts
    for sample in SEEDS.glob("*.txt"):
        assert facts(p, report_id_of(p, sample.name), "fct_metric_values")


def test_nothing_from_outside_the_folder_is_read_or_published(hostile):
    # Issue 11, case 2: a link to /etc/passwd was read, accepted and published.
    p, _, _ = hostile
    secret = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    assert p.query("SELECT count(*) FROM raw.report_files WHERE text LIKE ? OR raw_html LIKE ?",
                   [f"%{secret}%", f"%{secret}%"]) == [(0,)]
    rows = p.query("SELECT sha256, text, reason FROM raw.report_files WHERE reason LIKE 'outside_folder:%'")
    assert len(rows) == 3 and all(sha is None and text is None for sha, text, _ in rows)


def test_twenty_megabyte_report_states_its_figures_once(hostile):
    # Pasted 2,000 times, the report's figures are restatements: the marts hold
    # each distinct figure of the report it repeats once, nothing more.
    p, _, _ = hostile
    big, one = report_id_of(p, BIG), report_id_of(p, sorted(SEEDS.glob("*.txt"))[4].name)
    q = "SELECT metric_code, value, comparator, source FROM marts.fct_metric_values WHERE report_id = ? ORDER BY ALL"
    assert p.query(q, [big]) == p.query(q, [one])


def test_incremental_run_changes_and_removes_files_with_hostile_names(hostile):
    # Changed and removed files are deleted from raw.report_files by name: a
    # name pasted into SQL would break here (or drop the table).
    p, _, _ = hostile
    (p.reports / QUOTED).unlink()
    changed = p.reports / INJECTION
    changed.write_text(variant(changed.read_text(encoding="utf-8"), "本件再次修改"), encoding="utf-8")
    # Issue 11, case 6: other bytes, same size, the old mtime put back.
    same = p.reports / SAME_SIZE
    assert p.query("SELECT stat_key IS NOT NULL FROM raw.file_checks WHERE source_file = ?", [SAME_SIZE],
                   db=p.work_db) == [(True,)], "the quick check would have read the file anyway"
    before = same.stat()
    same.write_bytes(same.read_bytes().replace("行政".encode(), "法治".encode(), 1))
    os.utime(same, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (same.stat().st_size, same.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    result = p.run()
    assert result.success, step_failures(result)
    meta = materialization_metadata(result, ["raw", "report_files"])
    assert (meta["new"], meta["changed"], meta["removed"]) == (0, 2, 1)
    assert p.query("SELECT sha256 FROM raw.report_files WHERE source_file = ?", [SAME_SIZE]) == [
        (hashlib.sha256(same.read_bytes()).hexdigest(),)
    ]
    assert [r[0] for r in p.query("SELECT source_file FROM raw.report_files ORDER BY 1")] == on_disk(p.reports)
    assert p.query("SELECT sha256 FROM raw.report_files WHERE source_file = ?", [INJECTION]) == [
        (hashlib.sha256(changed.read_bytes()).hexdigest(),)
    ]
    names = {r[0] for r in p.query("SELECT source_file FROM marts.dim_report")}
    assert QUOTED not in names and INJECTION in names
    events = set(p.query("SELECT source_file, event FROM raw.file_events WHERE event <> 'new'"))
    assert events == {(QUOTED, "removed"), (INJECTION, "changed"), (SAME_SIZE, "changed")}
