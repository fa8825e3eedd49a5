{# grain: one figure per disclosure × unit × subject × fund scope × figure, published
   documents only: the amount and the fact that supplies it. The same amount printed in
   several tables (支出总表, 收支总表, 一般公共预算支出表 …) becomes one row, taken from the table
   figure_sources ranks first; the narrative supplies a figure only where no table prints it
   (precedence 9). The names of disclosure, unit and subject are joined in int_budget_figures.
   inputs: int_budget_lines (the fact grain), dim_document, dim_unit, dim_subject,
   figure_sources (seed); publishing is decided in dim_document.
   rules: a cell whose table, side and measure figure_sources does not list is not a
   figure; lines no classification names count only in item tables (采购, 项目), where
   rows with the same name are different items and add up within their table.
   incremental: the figures of the disclosures int_document_changes lists are replaced; only
   keys and what the supplying fact printed are stored here, so a name that changes in a
   dimension (a subject's most printed name, a unit's latest) shows in every figure at once.
   memory (issue 10): nearly every fact is a figure of its own, so both aggregates hold
   ~7 M groups at 10,000 documents. Grouped on md5 keys with arg_min over tuples and
   fact_id strings they needed ~10 GB; here the groups are small integers (disclosure and
   unit numbered in this model, figure and table numbered in the seed), a fact is its
   address as one bigint (document number, table, row, column) and the printed context is
   joined once, last: under 2 GB, the same rows. #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('disclosure_key') }}") }}
-- The small CTEs read more than once are not materialized: DuckDB materializes such a CTE, and
-- a materialized CTE keeps it from dropping the columns of int_budget_lines (a view) this model
-- does not read, so it computed every fact_id and locator of ~7 M lines twice.
with documents as not materialized (
    select
        document_id,
        disclosure_key,
        fiscal_year,
        -- ties between documents are broken by their ids, never by where rows happen to be stored
        row_number() over (order by document_id) as document_no
    from {{ ref('dim_document') }}
    where is_published and disclosure_key in {{ rebuilt('disclosure_key') }}
),

disclosure_numbers as not materialized (
    select disclosure_key, row_number() over (order by disclosure_key) as disclosure_no
    from (select distinct disclosure_key from documents)
),

unit_numbers as (
    select unit_key, row_number() over (order by unit_key) as unit_no
    from {{ ref('dim_unit') }}
),

sources as not materialized (
    select
        *,
        dense_rank() over (order by fund_scope, figure) as figure_no,
        dense_rank() over (order by table_code) as table_no
    from {{ ref('figure_sources') }}
),

-- A fact's address, one bigint: its document's number and its table, row and column
-- (narrative figures are table 0). int_budget_lines is a view, so a row has no rowid to go by.
-- Read twice (the facts, and the supplying facts' printed context at the end): not
-- materialized, or DuckDB would hold all ~7 M wide rows for the second read (8 GB at 10,000).
numbered_lines as not materialized (
    select
        l.*,
        d.document_no,
        d.disclosure_key,
        d.fiscal_year as disclosure_year,
        case
            when l.table_seq >= 4096 or l.row_seq >= 65536 or l.column_no >= 256 or d.document_no >= 16777216
                then error(concat_ws(' ', 'int_budget_figure_picks: a fact address does not fit 64 bits:',
                    l.file_name, 'table', l.table_seq, 'row', l.row_seq, 'column', l.column_no))
            else ((d.document_no * 4096 + l.table_seq) * 65536 + l.row_seq) * 256 + l.column_no
        end as fact_row
    from {{ ref('int_budget_lines') }} as l
    inner join documents as d using (document_id)
    -- a rebuilt disclosure's documents are rebuilt with it, in its publisher's slice
    where {{ in_slice('l.build_slice') }}
),

facts as (
    select
        l.fact_row,
        l.document_no,
        n.disclosure_no,
        u.unit_no,
        l.subject_key,
        s.classification as line_classification,
        c.shape as table_shape,
        l.table_code,
        l.table_seq,
        -- the first printed row and column of a table, as one sortable number
        l.row_seq::bigint * 100000 + l.column_no as cell_order,
        l.measure,
        l.side,
        l.amount_wan
    from numbered_lines as l
    inner join disclosure_numbers as n using (disclosure_key)
    left join unit_numbers as u using (unit_key)
    left join {{ ref('dim_subject') }} as s using (subject_key)
    left join {{ ref('table_catalog') }} as c using (table_code)
    -- a narrative figure of another year (比上年 …) is not this disclosure's figure
    where l.source_kind = 'table' or l.fiscal_year = l.disclosure_year
),

mapped as (
    select
        f.*,
        coalesce(src.subject_override, f.subject_key) as figure_subject_key,
        src.figure_no,
        src.table_no,
        src.precedence
    from facts as f
    inner join sources as src
        on src.table_code = f.table_code
        and src.measure = f.measure
        and coalesce(src.side, '') = coalesce(f.side, '')
        and (
            src.line_classification = f.line_classification
            or (src.line_classification = '*' and coalesce(f.line_classification, '') != 'unmapped')
        )
),

per_table as (
    -- one amount per printing table: item tables add rows of the same name, other
    -- tables keep the first row (a repeated line is a restatement, checked by the rules)
    select
        disclosure_no,
        unit_no,
        figure_subject_key,
        figure_no,
        precedence,
        table_no,
        document_no,
        table_seq,
        arg_min(fact_row, cell_order) as fact_row,
        case
            when any_value(table_shape) = 'item' then sum(amount_wan)
            else arg_min(amount_wan, cell_order)
        end as amount_wan,
        count(*) as row_count
    from mapped
    where figure_subject_key is not null
    group by all
),

ranked as (
    -- the table figure_sources ranks first, then the earlier table, then the first document
    -- (document_no < 2^24): one table per figure, so amount, fact and row count come from it
    select
        *,
        (precedence * 1000 + table_seq)::bigint * 16777216 + document_no as table_order
    from per_table
),

grouped as (
    select
        disclosure_no,
        unit_no,
        figure_subject_key,
        figure_no,
        arg_min(fact_row, table_order) as fact_row,
        arg_min(amount_wan, table_order) as amount_wan,
        arg_min(row_count, table_order) as row_count,
        count(*) as printed_count,
        min(amount_wan) = max(amount_wan) as same_amounts,
        -- the tables printing it, one bit per table_no (at most 62, table_codes says);
        -- a list aggregate here cost a third of this aggregate's time
        bit_or(1::bigint << table_no) as printed_in_mask
    from ranked
    group by all
),

figures as (
    select distinct fund_scope, figure, figure_no from sources
),

table_codes as (
    -- table_no follows table_code order, so the numbers sorted are the codes sorted
    select
        case
            when count(*) > 62 then error('figure_sources names more than 62 tables: printed_in_mask needs more bits')
            else list(table_code order by table_no)
        end as codes
    from (select distinct table_code, table_no from sources)
),

final as (
    select
        n.disclosure_key,
        -- the supplying fact's unit is the figure's (unit_no numbers it). Joined back by unit_no
        -- after the printed context, DuckDB built the join's hash table on the ~7 M wide rows (it
        -- estimated 3): 17 of this model's 37 s at 10,000 documents. (A one-row list of the keys
        -- looked up by number was faster at 10,000 and ran out of the 4 GB pool at 1,000.)
        l.unit_key,
        l.scope as unit_kind,
        g.figure_subject_key as subject_key,
        fg.fund_scope,
        fg.figure,
        g.amount_wan,
        g.row_count as summed_rows,
        g.printed_count,
        g.same_amounts as is_consistent,
        list_transform(
            list_filter(range(1, len(tc.codes) + 1), i -> (g.printed_in_mask >> i) & 1 = 1), i -> tc.codes[i]
        ) as printed_in,
        case when l.table_code = 'narrative' then 'narrative' else 'table' end as source_kind,
        -- the supplying fact, by its document, table, row and column: its fact_id (and the
        -- figure's figure_id) are computed in int_budget_figures, not stored
        l.document_id,
        l.table_seq,
        l.row_seq,
        l.column_no,
        l.file_name,
        l.source_locator,
        l.table_code,
        l.table_title,
        l.line_label,
        l.column_label,
        l.amount_printed,
        l.amount_unit,
        l.sentence
    from grouped as g
    cross join table_codes as tc
    inner join numbered_lines as l using (fact_row)
    inner join figures as fg using (figure_no)
    inner join disclosure_numbers as n using (disclosure_no)
)

select * from final
