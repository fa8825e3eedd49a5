{# grain: one row per narrative amount whose clause names a classification subject by its
   level (…（类）, …（款）, …（项）: 一般公共服务（类）支出6,543.55万元, 基本工资（款）支出737.94万元):
   - narrative_subject_matches_table: the amount = that subject's line in a table of the
     disclosure that prints it, among the tables of the funds the clause prints
     (seeds/narrative_scope_tables.csv; none printed: any expense table). The narrative may
     state a subject in any of them (all funds, 财政拨款, 一般公共预算), so the closest line is
     compared; a parent printed with it (政协事务（款）一般行政管理事务（项）) must be the line's
     parent. No such line → skipped, naming the subject.
   inputs: stg narrative figures, int_budget_cells_classified, int_disclosures,
   int_document_versions, narrative_scope_tables. #}
with documents as (
    select document_id, fiscal_year from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

figures as (
    select
        f.*,
        regexp_split_to_array(f.label, '（(?:类|款|项)）') as parts,
        regexp_extract_all(f.label, '（(类|款|项)）', 1) as levels
    from {{ ref('stg_raw__narrative_figures') }} as f
    inner join documents as d
        on d.document_id = f.document_id and coalesce(f.stated_year, d.fiscal_year) = d.fiscal_year
    where f.metric in ('amount', 'share') and regexp_matches(f.label, '（(?:类|款|项)）')
),

named as (
    select
        *,
        trim(parts[len(levels)]) as subject_name,
        case levels[len(levels)] when '类' then 3 when '款' then 5 else 7 end as code_length,
        case when len(levels) > 1 then trim(parts[len(levels) - 1]) end as parent_name,
        case when len(levels) > 1 then
            case levels[len(levels) - 1] when '类' then 3 when '款' then 5 else 7 end
        end as parent_length
    from figures
),

disclosures as (
    select d.document_id, d.disclosure_key, v.is_latest
    from {{ ref('int_disclosures') }} as d
    inner join {{ ref('int_document_versions') }} as v using (document_id)
),

lines as (
    select
        c.document_id, c.table_code, c.table_seq, c.subject_key, c.subject_code_resolved as code,
        c.line_name, sum(c.amount_wan) as amount_wan, min(c.source_line) as table_line
    from {{ ref('int_budget_cells_classified') }} as c
    where c.measure in ('total', 'amount') and c.scope = 'department' and c.subject_code_resolved is not null
    group by all
),

scope_tables as (
    select * from {{ ref('narrative_scope_tables') }}
),

candidates as (
    -- lines of a table of expense by function naming the subject, in the figure's own file or
    -- the latest files of its disclosure (a 公开表 beside the 公开文件); a figure with none names
    -- no function subject (基本工资（款）is economic) and is not checked here
    select n.document_id, n.figure_seq, n.funds_scope, l.*
    from named as n
    inner join disclosures as own on own.document_id = n.document_id
    inner join disclosures as other
        on other.disclosure_key = own.disclosure_key and (other.document_id = n.document_id or other.is_latest)
    inner join lines as l
        on l.document_id = other.document_id
        and l.table_code in (select table_code from scope_tables)
        and length(l.code) = n.code_length
        and l.line_name in (n.subject_name, n.subject_name || '支出')
    where n.parent_name is null or exists (
        select 1 from lines as p
        where p.document_id = l.document_id and p.table_seq = l.table_seq
            and p.code = left(l.code, n.parent_length)
            and p.line_name in (n.parent_name, n.parent_name || '支出')
    )
),

closest as (
    -- among the tables of the funds the clause prints, the line closest to the figure
    select c.*
    from candidates as c
    inner join scope_tables as st on st.funds_scope = coalesce(c.funds_scope, 'all') and st.table_code = c.table_code
    inner join named as n using (document_id, figure_seq)
    qualify row_number() over (
        partition by c.document_id, c.figure_seq order by abs(c.amount_wan - n.amount_wan), c.table_seq
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
        c.subject_key,
        'total' as measure,
        '万元' as amount_unit,
        n.amount_wan as lhs,
        c.amount_wan as rhs,
        2 as n_terms,
        n.source_line,
        case when c.table_code is not null then c.table_code || ' line ' || c.table_line end as detail,
        case when c.table_code is null then
            'no table of ' || n.funds_scope || ' funds prints ' || n.subject_name
        end as missing_input
    from named as n
    left join closest as c using (document_id, figure_seq)
    where exists (select 1 from candidates as x where x.document_id = n.document_id and x.figure_seq = n.figure_seq)
)

select * from final
