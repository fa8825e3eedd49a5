{# grain: one row per non-blank amount cell, with its table context, its line
   classified into a subject and its amount in 万元.
   inputs: stg cells, stg tables, stg documents, table_catalog, line_items.
   rules: a printed code wins; an uncoded line is matched by name against the
   line items allowed for its table and side (三公 items in the 三公 table,
   income sources on the income side, function classes on the expense side of
   a summary table, balance rows everywhere). Income-source lines printed after
   本年收入合计 in a summary are the carry-over's breakdown, not this year's income.
   Anything unmatched is classified `unmapped`, never dropped.
   incremental: the rows of the documents int_document_changes lists are replaced; each row
   keeps its document's build_slice, which a sliced build's readers filter on (macros/rebuilt.sql).
   memory (issue 10): an uncoded line's item is looked up once per distinct name, side and
   set of allowed classes, not once per cell: grouped per cell (64-character document id, table,
   row, column) and joined back, this model ran out of DuckDB's 4 GB pool at 100,000
   documents, and at 10,000 of a 400 MB pool, where it now builds in ~550 MB. #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('document_id') }}") }}
{#- the classes an uncoded line of table t (catalog entry cat) may take, first preferred -#}
{%- set allowed_classes -%}
    case
        when t.table_code = 'three_public_expense' then ['three_public']
        when cat.shape = 'two_sided' and c.side = 'income' then ['revenue', 'balance']
        when cat.shape = 'two_sided' and c.side = 'expense' then ['function', 'balance']
        else ['balance']
    end
{%- endset %}
with cells as (
    -- build_slice is kept on every row: readers of this table filter on it (in_slice) and so
    -- skip the row groups other slices of a sliced build wrote
    select c.*, r.build_slice
    from {{ ref('stg_raw__budget_cells') }} as c
    inner join {{ rebuilt_slices() }} as r using (document_id)
),

tables as (
    select * from {{ ref('stg_raw__budget_tables') }}
),

documents as (
    select * from {{ ref('stg_raw__source_documents') }}
),

catalog as (
    select table_code, shape, classification as table_classification
    from {{ ref('table_catalog') }}
),

-- A sided variant means the item only on that side of a two-sided table:
-- 总计 is the income total on the left of a 决算 总表 and the expense total on the right.
line_items as (
    select classification, code, unnest(string_split(variants, '|')) as variant, null as only_side
    from {{ ref('line_items') }}
    where variants is not null
    union all
    select classification, code, unnest(string_split(sided_variants, '|')), side
    from {{ ref('line_items') }}
    where sided_variants is not null
),

-- Per table: the row of 本年收入合计 and whether the table prints a single row. Computed on
-- the narrow cells, as is each uncoded line's best line item below: windows over the wide
-- joined rows ran out of the 4 GB buffer pool at 10,000 documents (7.3 M cells).
table_rows as (
    select
        document_id,
        table_seq,
        max(case when line_name = '本年收入合计' then row_seq end) as current_income_row,
        max(row_seq) = min(row_seq) as is_single_row
    from cells
    group by document_id, table_seq
),

-- Which classes an uncoded line may take depends only on its table and side, so a line is
-- matched once per (name, side, allowed classes), not once per cell.
uncoded as (
    select distinct
        c.line_name,
        c.side,
        {{ allowed_classes }} as allowed_classes
    from cells as c
    inner join tables as t using (document_id, table_seq)
    inner join catalog as cat using (table_code)
    where c.subject_code is null
),

item_matches as (
    -- the first class the table and side allow; among codes of one class, the smallest
    select
        u.line_name,
        u.side,
        u.allowed_classes,
        arg_min(li.classification, (list_position(u.allowed_classes, li.classification), li.code)) as item_class,
        arg_min(li.code, (list_position(u.allowed_classes, li.classification), li.code)) as item_code
    from uncoded as u
    inner join line_items as li
        on li.variant = u.line_name
    where list_contains(u.allowed_classes, li.classification)
        and (li.only_side is null or li.only_side = u.side)
    group by u.line_name, u.side, u.allowed_classes
),

classified as (
    select
        c.*,
        t.table_code,
        t.table_title,
        t.scope,
        t.unit_code,
        t.unit_name,
        coalesce(t.fiscal_year, d.fiscal_year) as fiscal_year,
        t.amount_unit,
        coalesce(t.phase, d.phase) as phase,
        t.recognition,
        d.source_path,
        d.file_name,
        d.region_key,
        cat.shape,
        cat.table_classification,
        case
            when c.subject_code is not null then cat.table_classification
            -- a table of one unlabelled row (江苏 支出预算总表, 三公 by columns) is its own total
            when coalesce(c.line_name, '') = '' and r.is_single_row then 'balance'
            when m.item_class = 'revenue' and c.row_seq > r.current_income_row then 'balance'
            when m.item_class is not null then m.item_class
            else 'unmapped'
        end as subject_classification,
        case
            when c.subject_code is not null then c.subject_code
            when coalesce(c.line_name, '') = '' and r.is_single_row then 'total'
            when m.item_class = 'revenue' and c.row_seq > r.current_income_row
                then 'carryover_in_' || replace(m.item_code, '_appropriation', '')
            when m.item_class is not null then m.item_code
            else c.line_name
        end as subject_code_resolved
    from cells as c
    inner join tables as t using (document_id, table_seq)
    inner join documents as d using (document_id)
    inner join catalog as cat using (table_code)
    inner join table_rows as r using (document_id, table_seq)
    -- matched on every cell's name, used only where no code is printed (the cases below)
    left join item_matches as m
        on m.line_name = c.line_name
        and m.side is not distinct from c.side
        and m.allowed_classes = {{ allowed_classes }}
),

final as (
    select
        *,
        subject_classification || ':' || subject_code_resolved as subject_key,
        {{ to_wan_yuan('amount_printed', 'amount_unit') }} as amount_wan
    from classified
)

select * from final
