/**
 * Numbered migrations, applied in order and stamped into `PRAGMA user_version`.
 * Never edit a migration that has shipped: add a new one. Workbook data must survive updates.
 */
export type Migration = { version: number; name: string; sql: string };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'station, items, skills, roster',
    sql: `
      CREATE TABLE station_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE skills (
        id TEXT PRIMARY KEY, subject TEXT NOT NULL, grade INTEGER NOT NULL,
        name_json TEXT NOT NULL, prerequisites_json TEXT NOT NULL
      );
      CREATE TABLE items (
        id TEXT NOT NULL, version INTEGER NOT NULL, content_hash TEXT NOT NULL,
        subject TEXT NOT NULL, grade INTEGER NOT NULL, type TEXT NOT NULL, tier TEXT NOT NULL,
        minutes REAL NOT NULL, content_json TEXT NOT NULL, is_current INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (id, version)
      );
      CREATE INDEX items_current ON items (subject, grade, is_current);
      CREATE TABLE item_skills (item_id TEXT NOT NULL, version INTEGER NOT NULL, skill_id TEXT NOT NULL,
        PRIMARY KEY (item_id, version, skill_id));
      CREATE TABLE classes (id TEXT PRIMARY KEY, name TEXT NOT NULL, grade INTEGER NOT NULL);
      CREATE TABLE students (
        id TEXT PRIMARY KEY, display_name TEXT NOT NULL, grade INTEGER NOT NULL,
        language TEXT NOT NULL, large_print INTEGER NOT NULL
      );
      CREATE TABLE enrollments (class_id TEXT NOT NULL REFERENCES classes(id), student_id TEXT NOT NULL REFERENCES students(id),
        PRIMARY KEY (class_id, student_id));
    `,
  },
  {
    version: 2,
    name: 'workbook sets, print jobs, printed pages',
    sql: `
      CREATE TABLE workbook_sets (
        id TEXT PRIMARY KEY, class_id TEXT NOT NULL REFERENCES classes(id), subject TEXT NOT NULL,
        date TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('draft','approved','replaced')),
        request_json TEXT NOT NULL, replaces TEXT REFERENCES workbook_sets(id)
      );
      CREATE INDEX workbook_sets_day ON workbook_sets (class_id, date);
      CREATE TABLE workbooks (
        id TEXT PRIMARY KEY, set_id TEXT NOT NULL REFERENCES workbook_sets(id), student_id TEXT NOT NULL,
        tier TEXT NOT NULL, minutes REAL NOT NULL, items_json TEXT NOT NULL
      );
      CREATE INDEX workbooks_set ON workbooks (set_id);
      CREATE TABLE print_jobs (
        id TEXT PRIMARY KEY, set_id TEXT REFERENCES workbook_sets(id), kind TEXT NOT NULL,
        options_json TEXT NOT NULL, seq INTEGER NOT NULL
      );
      CREATE TABLE printed_pages (
        page_id TEXT PRIMARY KEY, job_id TEXT NOT NULL REFERENCES print_jobs(id), kind TEXT NOT NULL,
        workbook_id TEXT NOT NULL, student_id TEXT NOT NULL, class_id TEXT NOT NULL,
        page_number INTEGER NOT NULL, layout_version TEXT NOT NULL, page_json TEXT NOT NULL
      );
      CREATE INDEX printed_pages_job ON printed_pages (job_id);
    `,
  },
  {
    version: 3,
    name: 'scans, reads, responses, review, overrides, audit',
    sql: `
      CREATE TABLE scan_sessions (
        id TEXT PRIMARY KEY, source TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('running','finished','cancelled','failed')),
        started_seq INTEGER NOT NULL, detail TEXT
      );
      CREATE TABLE scanned_images (
        id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT REFERENCES scan_sessions(id),
        sha256 TEXT NOT NULL, path TEXT NOT NULL, media_type TEXT NOT NULL, bytes INTEGER NOT NULL,
        sheet_index INTEGER, side TEXT,
        status TEXT NOT NULL CHECK (status IN ('queued','read','graded','needs_review','refused','duplicate','failed')),
        page_id TEXT, reason TEXT, read_json TEXT
      );
      CREATE INDEX scanned_images_status ON scanned_images (status);
      CREATE INDEX scanned_images_page ON scanned_images (page_id);
      CREATE TABLE responses (
        id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL UNIQUE,
        page_id TEXT NOT NULL, image_sha256 TEXT NOT NULL, field_id TEXT NOT NULL,
        student_id TEXT NOT NULL, item_id TEXT NOT NULL, item_version INTEGER NOT NULL,
        answer TEXT, score REAL NOT NULL, max_score REAL NOT NULL, correct INTEGER NOT NULL,
        confidence REAL NOT NULL, status TEXT NOT NULL CHECK (status IN ('graded','needs_review','resolved')),
        date TEXT NOT NULL, superseded INTEGER NOT NULL DEFAULT 0,
        UNIQUE (page_id, image_sha256, field_id)
      );
      CREATE INDEX responses_student ON responses (student_id, item_id);
      CREATE TABLE review_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT, response_id INTEGER NOT NULL REFERENCES responses(id),
        reasons_json TEXT NOT NULL, evidence_json TEXT NOT NULL, crop_path TEXT,
        resolved_seq INTEGER
      );
      CREATE TABLE overrides (
        id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL, response_id INTEGER NOT NULL REFERENCES responses(id),
        teacher TEXT NOT NULL, at TEXT NOT NULL, answer TEXT, score REAL NOT NULL, note TEXT
      );
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail_json TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'teacher overrides of next-day selection',
    sql: `
      CREATE TABLE selection_overrides (
        id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL, class_id TEXT NOT NULL REFERENCES classes(id),
        student_id TEXT, kind TEXT NOT NULL CHECK (kind IN ('pin','exclude','tier')), value TEXT NOT NULL,
        teacher TEXT NOT NULL, at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX selection_overrides_class ON selection_overrides (class_id, active);
    `,
  },
  {
    version: 5,
    name: 'image paths relative to the data folder',
    // Stored images sit at images/<2 hex>/<2 hex>/<sha256>.<ext>: that tail of an absolute path is the relative path,
    // whatever folder (and separator) the station ran from. A path of any other shape is left as it was.
    sql: `
      UPDATE scanned_images
      SET path = 'images/' || substr(sha256, 1, 2) || '/' || substr(sha256, 3, 2) || '/' || substr(path, instr(path, sha256))
      WHERE instr(path, sha256) > 0
        AND path LIKE '%images_' || substr(sha256, 1, 2) || '_' || substr(sha256, 3, 2) || '_' || sha256 || '.%'
        AND (substr(path, 1, 1) IN ('/', '\\') OR substr(path, 2, 1) = ':');
    `,
  },
  {
    version: 6,
    name: 'index enrollments by student',
    sql: `CREATE INDEX enrollments_student ON enrollments (student_id, class_id);`,
  },
  {
    version: 7,
    name: 'the station lock: which process runs a scan session',
    sql: `
      CREATE TABLE station_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL, holder TEXT NOT NULL,
        pid INTEGER NOT NULL, host TEXT NOT NULL, process_start TEXT, acquired_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'labelled comb crops: the boxes a teacher confirmed in review, for the reader to adapt per class',
    // input: the network's input for the box (28 × 28 darkness, then the ink-shape features) as float32 LE.
    sql: `
      CREATE TABLE comb_crops (
        id INTEGER PRIMARY KEY, class_id TEXT NOT NULL REFERENCES classes (id), item_id TEXT NOT NULL,
        page_id TEXT, field_id TEXT, box INTEGER NOT NULL, char TEXT NOT NULL, input BLOB NOT NULL,
        confirmed_at TEXT NOT NULL, actor TEXT NOT NULL
      );
      CREATE INDEX comb_crops_class ON comb_crops (class_id);
    `,
  },
  {
    version: 9,
    name: 'layouts that passed the read-back self-test at approval, so a layout is tested once',
    // method: how the layout was tested (the resolutions and patterns); a changed method tests every layout again.
    sql: `
      CREATE TABLE layout_self_tests (
        layout_version TEXT NOT NULL, method TEXT NOT NULL, passed_at TEXT NOT NULL, reads INTEGER NOT NULL,
        PRIMARY KEY (layout_version, method)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    name: "a class's lesson plan (the unit's skills in order and its pace) and the prerequisite gate check's evidence",
    // gate_observations: one row per answer slot (a printed page's item), so a re-scan, a re-grade or an override of
    // that answer changes its row and never adds a second one.
    sql: `
      CREATE TABLE lesson_plans (
        class_id TEXT NOT NULL REFERENCES classes (id), subject TEXT NOT NULL, skills_json TEXT NOT NULL,
        start_date TEXT NOT NULL, days_per_skill REAL NOT NULL, teacher TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (class_id, subject)
      ) WITHOUT ROWID;
      CREATE TABLE gate_observations (
        class_id TEXT NOT NULL REFERENCES classes (id), subject TEXT NOT NULL, page_id TEXT NOT NULL, item_id TEXT NOT NULL,
        seq INTEGER NOT NULL, ready INTEGER NOT NULL, practised_before INTEGER NOT NULL, outcome REAL NOT NULL, predicted REAL NOT NULL,
        PRIMARY KEY (class_id, subject, page_id, item_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    name: "the gate check's evidence keeps each answer's P(every prerequisite known) (docs/mastery.md, section 2b)",
    // Rows counted before this migration keep no probability (NULL): the label reads them by their flag, as the
    // default label does for every row; the "first counted" evidence is kept.
    sql: `ALTER TABLE gate_observations ADD COLUMN ready_p REAL;`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
