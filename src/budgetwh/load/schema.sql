-- The raw schema: written only by the loader, read by dbt staging models.
-- Money is DECIMAL as printed; conversion to 万元 happens in dbt.
create schema if not exists raw;

create table if not exists raw.source_document (
    document_id       varchar primary key,   -- sha256 of the file's bytes
    source_path       varchar not null,
    file_name         varchar not null,
    file_format       varchar,               -- pdf | pdf_text | docx_text | null when unreadable
    byte_size         bigint not null,
    parser_version    varchar not null,
    status            varchar not null,      -- loaded | quarantined
    error             varchar,
    fiscal_year       integer,
    department_code   varchar,
    department_name   varchar,
    region_key        varchar,
    province          varchar,
    city              varchar,
    county            varchar,
    identity_evidence varchar,
    table_count       integer not null default 0,
    cell_count        integer not null default 0,
    figure_count      integer not null default 0,
    ingested_at       timestamp not null,
    phase             varchar,               -- budget (预算) | final (决算) | null when not told
    page_count        integer,               -- native layouts only
    finding_count     integer not null default 0,
    narrative_money_printed integer,         -- money figures the narrative prints with a unit
    narrative_money_read    integer,         -- …of which a narrative fact holds
    -- Kept up by every run from what the raw folder holds (pipeline.record_inventory):
    -- a document whose bytes and path have both gone is removed; one whose path now
    -- holds other bytes is an earlier version. Both stay here as history.
    file_modified_at  timestamp,             -- the file's mtime when last seen
    last_seen_at      timestamp,             -- the last run that found these bytes
    removed_at        timestamp              -- the first run that found neither bytes nor path
);

-- Every file the last run saw under the raw folder, read or not, and why not.
create table if not exists raw.file_inventory (
    path              varchar primary key,   -- relative to the raw folder; archive members as zip/member
    byte_size         bigint,
    modified_at       timestamp,
    status            varchar not null,      -- document | copy | archive | skipped | refused
    document_id       varchar,               -- the document the bytes are (a copy: the one it duplicates)
    duplicate_of      varchar,               -- a copy: the path read in its place
    reason            varchar,               -- why a file is skipped or refused, or what a copy copies
    seen_at           timestamp not null
);

create table if not exists raw.budget_table (
    document_id       varchar not null,
    table_seq         integer not null,
    table_code        varchar not null,
    table_title       varchar not null,      -- as printed, white space removed
    scope             varchar not null,      -- department | unit
    scope_source      varchar not null,
    unit_code         varchar,
    unit_name         varchar,
    fiscal_year       integer,
    amount_unit       varchar,               -- 万元 | 元 | null when not printed
    header_text       varchar,
    note              varchar,
    row_count         integer not null,
    source_line_start integer not null,
    source_line_end   integer not null,
    phase             varchar,               -- budget | final
    source_page       integer,               -- native layouts: the page the title is printed on
    recognition       varchar not null,      -- numbered_columns (栏次 template) | layout (header labels)
    primary key (document_id, table_seq)
);

create table if not exists raw.budget_cell (
    document_id       varchar not null,
    table_seq         integer not null,
    row_seq           integer not null,      -- 序号 as printed
    side              varchar,               -- income | expense | null
    line_label        varchar,               -- as printed, wrapped pieces joined
    subject_code      varchar,
    column_no         integer not null,      -- 栏次 as printed
    column_label      varchar not null,
    measure           varchar not null,
    amount_text       varchar not null,
    amount            decimal(24, 6) not null,
    source_line       integer not null,
    source_line_end   integer not null,
    source_page       integer,               -- native layouts: page and the cell's box (points,
    bbox_x0           double,                -- reading orientation, origin top left)
    bbox_y0           double,
    bbox_x1           double,
    bbox_y1           double
    -- No primary key: its index tripled the table on disk (435 against 140 MB for 6.65 M
    -- cells, measured) at the fact grain. The grain (document_id, table_seq, row_seq,
    -- column_no) is a dbt test on int_budget_cells_classified (one row per cell, checked for
    -- the documents a build rebuilt), which fails the build before anything is published;
    -- the loader deletes a document's rows before loading it again.
);

-- What was read but did not become facts: a line with amounts no column holds,
-- a table listed in the 目录 but not printed, a block of amounts outside any
-- recognised table, a page without a text layer.
create table if not exists raw.parse_finding (
    document_id       varchar not null,
    finding_seq       integer not null,
    kind              varchar not null,
    source_page       integer,
    source_line       integer,
    reason            varchar not null,
    text              varchar,
    primary key (document_id, finding_seq)
);

create table if not exists raw.narrative_figure (
    document_id       varchar not null,
    figure_seq        integer not null,
    metric            varchar not null,
    label             varchar,
    amount_text       varchar not null,
    amount            decimal(24, 6) not null,
    amount_unit       varchar,               -- 万元 | 元 | null when it cannot be told
    unit_basis        varchar not null,
    fiscal_year       integer,
    percent           decimal(9, 2),
    sentence          varchar not null,
    source_line       integer not null,
    source_kind       varchar not null,      -- sentence | form
    reference_amount  decimal(24, 6),        -- the budget an execution rate or direction is stated against
    stated_direction  varchar,               -- greater | less | equal: 决算数大于 / 小于预算数, 持平
    funds_scope       varchar,               -- the funds its clause prints: appropriation | general_public_budget | …
    primary key (document_id, figure_seq)
);

-- What a document prints about itself (narrative/mentions.py): the years of its headings,
-- its as-of dates, placeholder names left from a template, the tables its 目录 lists.
create table if not exists raw.document_mention (
    document_id       varchar not null,
    mention_seq       integer not null,
    kind              varchar not null,      -- as_of_date | heading_year | placeholder_name | contents_entry
    value             varchar not null,      -- 2023-12-31 | 2024 | XX局 | the listed table's code
    text              varchar not null,      -- as printed
    source_line       integer not null,
    source_page       integer,
    primary key (document_id, mention_seq)
);

-- Acceptances survive rebuilds: they are decisions, not derived data.
create table if not exists raw.document_acceptance (
    document_id       varchar not null,
    reason            varchar not null,
    accepted_by       varchar,
    accepted_at       timestamp not null
);
