{# grain: one row per non-blank amount cell, with its table context, its line
   classified into a subject and its amount in 万元.
   inputs: stg cells, stg tables, stg documents, table_catalog, line_items.
   rules: a printed code wins; an uncoded line is matched by name against the
   line items allowed for its table and side (三公 items in the 三公 table,
   income sources on the income side, function classes on the expense side of
   a summary table, balance rows everywhere). Income-source lines printed after
   本年收入合计 in a summary are the carry-over's breakdown, not this year's income.
   Anything unmatched is classified `unmapped`, never dropped. #}
with cells as (
    select * from {{ ref('stg_raw__budget_cells') }}
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

joined as (
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
        cat.table_classification
    from cells as c
    inner join tables as t using (document_id, table_seq)
    inner join documents as d using (document_id)
    inner join catalog as cat using (table_code)
),

with_context as (
    select
        *,
        case
            when subject_code is not null then null
            when table_code = 'three_public_expense' then ['three_public']
            when shape = 'two_sided' and side = 'income' then ['revenue', 'balance']
            when shape = 'two_sided' and side = 'expense' then ['function', 'balance']
            else ['balance']
        end as allowed_classes,
        max(case when line_name = '本年收入合计' then row_seq end)
            over (partition by document_id, table_seq) as current_income_row,
        max(row_seq) over (partition by document_id, table_seq)
            = min(row_seq) over (partition by document_id, table_seq) as is_single_row
    from joined
),

matched as (
    select
        w.*,
        li.classification as item_class,
        li.code as item_code,
        row_number() over (
            partition by w.document_id, w.table_seq, w.row_seq, w.column_no
            order by list_position(w.allowed_classes, li.classification)
        ) as match_rank
    from with_context as w
    left join line_items as li
        on li.variant = w.line_name
        and list_contains(w.allowed_classes, li.classification)
        and (li.only_side is null or li.only_side = w.side)
),

classified as (
    select
        * exclude (item_class, item_code, match_rank, allowed_classes, current_income_row, is_single_row),
        case
            when subject_code is not null then table_classification
            -- a table of one unlabelled row (江苏 支出预算总表, 三公 by columns) is its own total
            when coalesce(line_name, '') = '' and is_single_row then 'balance'
            when item_class = 'revenue' and row_seq > current_income_row then 'balance'
            when item_class is not null then item_class
            else 'unmapped'
        end as subject_classification,
        case
            when subject_code is not null then subject_code
            when coalesce(line_name, '') = '' and is_single_row then 'total'
            when item_class = 'revenue' and row_seq > current_income_row
                then 'carryover_in_' || replace(item_code, '_appropriation', '')
            when item_class is not null then item_code
            else line_name
        end as subject_code_resolved
    from matched
    where match_rank = 1
),

final as (
    select
        *,
        subject_classification || ':' || subject_code_resolved as subject_key,
        {{ to_wan_yuan('amount_printed', 'amount_unit') }} as amount_wan
    from classified
)

select * from final
