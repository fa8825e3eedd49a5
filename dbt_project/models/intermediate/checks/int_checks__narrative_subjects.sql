{# grain: one row per narrative amount (or share) of the document's year whose clause names a
   function subject by level (一般公共服务（类）支出6,543.55万元), resolved by int_narrative_subjects:
   - narrative_subject_matches_table: the amount = that subject's line in a table of the
     disclosure that prints it, among the tables of the funds the clause prints
     (seeds/narrative_scope_tables.csv; none printed: any table of expense by function). The
     narrative may state a subject in any of them (all funds, 财政拨款, 一般公共预算), so the
     closest line is compared; none of those tables printing it → skipped, naming the subject.
   Economic subjects (基本工资（款）) are left out: a narrative lists them under 基本支出 and
   again under 机关运行经费, and nothing in the sentence says which.
   inputs: stg narrative figures, int_narrative_subjects, int_budget_cells_classified,
   int_disclosures, int_document_versions, narrative_scope_tables. #}
with documents as (
    select document_id, fiscal_year from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

figures as (
    select f.*, s.subject_key, s.subject_name
    from {{ ref('stg_raw__narrative_figures') }} as f
    inner join documents as d
        on d.document_id = f.document_id and coalesce(f.stated_year, d.fiscal_year) = d.fiscal_year
    inner join {{ ref('int_narrative_subjects') }} as s
        on s.document_id = f.document_id and s.figure_seq = f.figure_seq
    where f.metric in ('amount', 'share') and s.subject_key like 'function:%'
),

disclosures as (
    select d.document_id, d.disclosure_key, v.is_latest
    from {{ ref('int_disclosures') }} as d
    inner join {{ ref('int_document_versions') }} as v using (document_id)
),

lines as (
    select
        c.document_id, c.table_code, c.table_seq, c.subject_key, sum(c.amount_wan) as amount_wan,
        min(c.source_line) as table_line
    from {{ ref('int_budget_cells_classified') }} as c
    where c.measure in ('total', 'amount') and c.scope = 'department'
        and {{ rebuilt_here('c') }}
    group by all
),

scope_tables as (
    select * from {{ ref('narrative_scope_tables') }}
),

closest as (
    select n.document_id, n.figure_seq, l.table_code, l.table_seq, l.amount_wan, l.table_line
    from figures as n
    inner join disclosures as own on own.document_id = n.document_id
    inner join disclosures as other
        on other.disclosure_key = own.disclosure_key and (other.document_id = n.document_id or other.is_latest)
    inner join scope_tables as st on st.funds_scope = coalesce(n.funds_scope, 'all')
    inner join lines as l
        on l.document_id = other.document_id and l.table_code = st.table_code and l.subject_key = n.subject_key
    qualify row_number() over (
        partition by n.document_id, n.figure_seq order by abs(l.amount_wan - n.amount_wan), l.table_seq
    ) = 1
),

final as (
    select
        'narrative_subject_matches_table' as rule_id,
        n.document_id,
        c.table_seq,
        coalesce(c.table_code, 'narrative') as table_code,
        'department' as scope,
        cast(null as varchar) as unit_code,
        cast(null as varchar) as side,
        n.figure_seq as row_seq,
        n.label || ': ' || n.sentence as line_label,
        n.subject_key,
        'total' as measure,
        '万元' as amount_unit,
        n.amount_wan as lhs,
        c.amount_wan as rhs,
        2 as n_terms,
        n.source_line,
        case when c.table_code is not null then c.table_code || ' line ' || c.table_line end as detail,
        case when c.table_code is null then
            'no table of ' || coalesce(n.funds_scope, 'any') || ' funds prints ' || n.subject_name
        end as missing_input
    from figures as n
    left join closest as c using (document_id, figure_seq)
)

{{ rule_check_rows('final') }}
