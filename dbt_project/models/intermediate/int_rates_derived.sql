-- Rates computed from two stated counts of the same report, following
-- seeds/derived_rate_rules.csv: value = 100 * numerator / denominator, in
-- percent rounded to 2 decimals. A count is the report's first stated figure
-- for its metric (and channel). No rate is derived when either count is not
-- exact (余/约/以上...), when the denominator is 0, when the numerator exceeds
-- the denominator (the two figures cannot be of the same scope), or, for
-- mediation, when the two counts come from different channels. When a rate has
-- several possible denominators (e.g. lawsuits concluded, else lawsuits
-- filed), the first usable one by priority is used and named in `basis`.
with facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

derived_rate_rules as (
    select * from {{ ref('derived_rate_rules') }}
),

counts as (
    select
        report_id,
        region_code,
        report_year,
        metric_code,
        channel,
        value,
        comparator,
        fact_id,
        char_start
    from facts_stated
    where measure = 'count'
    qualify
        row_number() over (
            partition by report_id, metric_code, channel order by char_start, fact_id
        ) = 1
),

candidates as (
    select
        numerators.report_id,
        numerators.region_code,
        numerators.report_year,
        rules.metric_code,
        case when rules.same_channel then numerators.channel end as channel,
        rules.priority,
        rules.numerator_metric,
        numerators.value as numerator,
        numerators.fact_id as numerator_fact_id,
        numerators.char_start as numerator_start,
        rules.denominator_metric,
        denominators.value as denominator,
        denominators.fact_id as denominator_fact_id,
        denominators.char_start as denominator_start
    from derived_rate_rules as rules
    inner join counts as numerators on rules.numerator_metric = numerators.metric_code
    inner join counts as denominators
        on
            numerators.report_id = denominators.report_id
            and rules.denominator_metric = denominators.metric_code
            and (not rules.same_channel or numerators.channel is not distinct from denominators.channel)
    where
        numerators.comparator = '='
        and denominators.comparator = '='
        and denominators.value > 0
        and numerators.value >= 0
        and numerators.value <= denominators.value
),

chosen as (
    select * from candidates
    qualify
        row_number() over (
            partition by report_id, metric_code, channel
            order by priority, numerator_start, denominator_start
        ) = 1
),

final as (
    select
        'derived:' || report_id || ':' || metric_code || coalesce(':' || channel, '') as fact_id,
        report_id,
        region_code,
        report_year,
        metric_code,
        channel,
        round(100.0 * numerator / denominator, 2) as value,
        '=' as comparator,
        numerator_metric,
        numerator,
        numerator_fact_id,
        denominator_metric,
        denominator,
        denominator_fact_id,
        numerator_metric || ' / ' || denominator_metric as basis
    from chosen
)

select * from final
