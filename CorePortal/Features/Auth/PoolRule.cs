using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using CorePortal.Data;

namespace CorePortal.Features.Auth;

/// <summary>
/// The pool rule, written once: a client may use a time frame (period) of a purchase on a day when the purchase is
/// active and not frozen that day, the period covers the day and has a credit left (or is unlimited), and the client is the
/// owner or holds an accepted share. Every reader uses these expressions; the guarded debit restates it as <see cref="UsableSql"/> for
/// speed, and PoolRuleEquivalenceTests proves both give the same answers, on each engine.
/// </summary>
public static class PoolRule
{
    /// <summary>A share that lets its client use the pool (and hear of its balance).</summary>
    public static readonly Expression<Func<PurchaseShare, bool>> AcceptedShare = s => s.Status == ShareStatus.Accepted;

    /// <summary>The purchases shared with the client and accepted.</summary>
    public static IQueryable<int> SharedWith(CoreDbContext db, int clientId) =>
        db.PurchaseShares.Where(AcceptedShare).Where(s => s.ClientId == clientId).Select(s => s.PurchaseId);

    /// <summary>The client owns the purchase or holds an accepted share on it.</summary>
    public static Expression<Func<Purchase, bool>> HeldBy(CoreDbContext db, int clientId)
    {
        var sharedWith = SharedWith(db, clientId);
        return p => p.OwnerClientId == clientId || sharedWith.Contains(p.Id);
    }

    /// <summary>The freezes that hold the purchase on the day (an undone freeze holds nothing; an open-ended one holds every later day).</summary>
    public static IQueryable<Freeze> FrozenOn(CoreDbContext db, DateOnly day) =>
        db.Freezes.Where(f => f.Status == FreezeStatus.Active && f.StartsOn <= day && (f.EndsOn == null || f.EndsOn >= day));

    /// <summary>The period covers the day, has a credit left, its purchase is active and not frozen that day, and the client holds it.</summary>
    public static Expression<Func<CreditPeriod, bool>> Usable(CoreDbContext db, int clientId, DateOnly day)
    {
        var frozen = FrozenOn(db, day);
        Expression<Func<CreditPeriod, bool>> open = p => p.StartsOn <= day && p.EndsOn >= day
            && (p.MaxCredits == null || p.UsedCredits < p.MaxCredits) && p.Purchase!.Status == PurchaseStatus.Active
            && !frozen.Any(f => f.PurchaseId == p.PurchaseId);
        var held = HeldBy(db, clientId);
        var period = open.Parameters[0];
        var heldByPeriodsPurchase = new Substitute(held.Parameters[0], Expression.Property(period, nameof(CreditPeriod.Purchase))).Visit(held.Body);
        return Expression.Lambda<Func<CreditPeriod, bool>>(Expression.AndAlso(open.Body, heldByPeriodsPurchase), period);
    }

    /// <summary>
    /// <see cref="Usable"/> as a SQL condition on a row of "CreditPeriods", for the guarded debit: a composite format whose
    /// placeholders {0} and {1} are the client id and the day. Compose it with more SQL and pass it through
    /// <see cref="Sql"/>, so EF Core binds each value through the engine's own type mapping (a day is text on SQLite, a date
    /// on PostgreSQL). Every name is quoted: PostgreSQL folds unquoted names to lower case.
    /// </summary>
    public static readonly string UsableSql = $$"""
        "CreditPeriods"."StartsOn" <= {1} AND "CreditPeriods"."EndsOn" >= {1}
          AND ("CreditPeriods"."MaxCredits" IS NULL OR "CreditPeriods"."UsedCredits" < "CreditPeriods"."MaxCredits")
          AND NOT EXISTS (SELECT 1 FROM "Freezes" f WHERE f."PurchaseId" = "CreditPeriods"."PurchaseId" AND f."Status" = {{(int)FreezeStatus.Active}}
            AND f."StartsOn" <= {1} AND (f."EndsOn" IS NULL OR f."EndsOn" >= {1}))
          AND EXISTS (SELECT 1 FROM "Purchases" p WHERE p."Id" = "CreditPeriods"."PurchaseId" AND p."Status" = {{(int)PurchaseStatus.Active}}
            AND (p."OwnerClientId" = {0} OR EXISTS (SELECT 1 FROM "PurchaseShares" s
              WHERE s."PurchaseId" = p."Id" AND s."ClientId" = {0} AND s."Status" = {{(int)ShareStatus.Accepted}})))
        """;

    /// <summary>
    /// <see cref="UsableSql"/>'s purchase conditions alone ({0} the purchase, {1} the day): still active and not frozen that day.
    /// PostgreSQL re-checks a guarded UPDATE's WHERE, when it waited for a row lock, with the statement's first snapshot: a freeze
    /// or cancellation that committed meanwhile (its writer touched the periods it locks) is seen only by a later statement.
    /// </summary>
    public static readonly string StillOpenSql = $$"""
        SELECT COUNT(*) AS "Value" FROM "Purchases" p WHERE p."Id" = {0} AND p."Status" = {{(int)PurchaseStatus.Active}}
          AND NOT EXISTS (SELECT 1 FROM "Freezes" f WHERE f."PurchaseId" = p."Id" AND f."Status" = {{(int)FreezeStatus.Active}}
            AND f."StartsOn" <= {1} AND (f."EndsOn" IS NULL OR f."EndsOn" >= {1}))
        """;

    /// <summary>
    /// SQL that contains <see cref="UsableSql"/> as a parameterized statement: {0} the client id, {1} the day, and {2}, {3}, …
    /// the further values, in order.
    /// </summary>
    public static FormattableString Sql(string format, int clientId, DateOnly day, params object?[] more) =>
        FormattableStringFactory.Create(format, [clientId, day, .. more]);

    private sealed class Substitute(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
