{# grain: one row per parent line × column of a subject table: 类 = Σ 款,
   款 = Σ 项, 合计 = Σ 类. inputs: int_budget_cells_classified.
   A table that prints the child level at all prints it under every parent, so
   every parent is checked from then on: a 款 whose 项 went missing sums to zero
   and fails, instead of escaping the check. Blank cells are zero.
   speed (issue 10): the sums run on numbered documents and short keys, each parent's and
   children's cells joined once (not the cells twice on the build side of a join), and the
   printed context of a parent line is joined to its sums at the end: 45 → 31 s at 10,000
   documents, the same rows. It still needs ~2 GB of DuckDB's pool there (fails at 1.2 GB),
   so 100,000 documents in one statement need more than the 4 GB default. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    -- 预算 and 决算 alike: a 决算 table by function or economic subject adds up by level too.
    where shape = 'subject'
        and {{ rebuilt_here() }}
),

documents as (
    select document_id, row_number() over (order by document_id) as document_no
    from (select distinct document_id from cells)
),

amounts as (
    select
        d.document_no, c.table_seq, c.row_seq, c.subject_key, c.measure, c.amount_wan,
        c.subject_classification as classification, c.subject_code_resolved as code
    from cells as c
    inner join documents as d using (document_id)
),

lines as (
    select distinct
        document_no, table_seq, row_seq, subject_key, classification, code,
        -- the line a child adds up into: 类 into 合计, 款 into its 类, 项 into its 款 (an equality
        -- to join on: a join on OR-ed conditions runs as a nested loop, 69 s at 1,000 documents)
        case
            when classification not in ('function', 'economic') then null
            when length(code) = 3 then 'total'
            when length(code) in (5, 7) then left(code, length(code) - 2)
        end as parent_code
    from amounts
),

depth as (
    select
        document_no, table_seq,
        bool_or(length(code) = 5) as has_segments,
        bool_or(length(code) = 7) as has_items
    from lines
    where classification in ('function', 'economic')
    group by all
),

parents as (
    select
        case
            when p.code = 'total' then 'hierarchy_total'
            when length(p.code) = 3 then 'hierarchy_class'
            else 'hierarchy_segment'
        end as rule_id,
        p.document_no, p.table_seq, p.row_seq, p.subject_key, p.code
    from lines as p
    inner join depth as d using (document_no, table_seq)
    where (p.classification = 'balance' and p.code = 'total')
        or (p.classification in ('function', 'economic') and length(p.code) = 3 and d.has_segments)
        or (p.classification in ('function', 'economic') and length(p.code) = 5 and d.has_items)
),

pairs as (
    select
        p.rule_id, p.document_no, p.table_seq, p.row_seq, p.subject_key,
        c.row_seq as child_row,
        c.subject_key as child_subject
    from parents as p
    left join lines as c
        on c.document_no = p.document_no
        and c.table_seq = p.table_seq
        and c.parent_code = p.code
),

-- A line's amounts are its row's cells of its subject: some 决算 基本支出表 print two
-- blocks of subjects side by side (人员经费 | 公用经费), two lines on one printed row.
-- Each parent's own cells and its children's cells, by column, as one list of terms: joined
-- to the cells once each way and then summed (the cells on the build side of two joins, per
-- printed column, were the slow part).
terms as (
    select
        p.rule_id, p.document_no, p.table_seq, p.row_seq, p.subject_key, a.measure,
        a.amount_wan as parent_amount,
        cast(null as decimal(24, 6)) as child_amount,
        cast(null as integer) as child_row
    from parents as p
    inner join amounts as a
        on a.document_no = p.document_no and a.table_seq = p.table_seq
        and a.row_seq = p.row_seq and a.subject_key = p.subject_key
    union all
    select
        pr.rule_id, pr.document_no, pr.table_seq, pr.row_seq, pr.subject_key, a.measure,
        null,
        a.amount_wan,
        a.row_seq
    from pairs as pr
    inner join amounts as a
        on a.document_no = pr.document_no and a.table_seq = pr.table_seq
        and a.row_seq = pr.child_row and a.subject_key = pr.child_subject
),

sums as (
    select
        rule_id,
        document_no,
        table_seq,
        row_seq,
        subject_key,
        measure,
        coalesce(any_value(parent_amount), 0) as lhs,
        coalesce(sum(child_amount), 0) as rhs,
        count(child_amount) + 1 as n_terms,
        -- list_sort instead of string_agg(… order by): an ordered aggregate buffers every
        -- group's rows apart, 8 GB at 10,000 documents against 2 GB (issue 10)
        'children printed: ' || count(child_amount)
            || coalesce(' (rows ' || array_to_string(
                list_sort(list(child_row) filter (where child_row is not null)), ', ') || ')', '') as detail
    from terms
    group by rule_id, document_no, table_seq, row_seq, subject_key, measure
    having any_value(parent_amount) is not null or count(child_amount) > 0
),

-- what the table prints about each line, one row per line
context as (
    select distinct
        document_id, table_seq, row_seq, subject_key, table_code, scope, unit_code, line_label, source_line, amount_unit
    from cells
),

final as (
    select
        s.rule_id,
        d.document_id,
        s.table_seq,
        x.table_code,
        x.scope,
        x.unit_code,
        cast(null as varchar) as side,
        s.row_seq,
        x.line_label,
        s.subject_key,
        s.measure,
        x.amount_unit,
        s.lhs,
        s.rhs,
        s.n_terms,
        x.source_line,
        s.detail,
        cast(null as varchar) as missing_input
    from sums as s
    inner join documents as d using (document_no)
    inner join context as x
        on x.document_id = d.document_id and x.table_seq = s.table_seq
        and x.row_seq = s.row_seq and x.subject_key = s.subject_key
)

{{ rule_check_rows('final', in_document_order=true) }}
