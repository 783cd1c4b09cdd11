using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using CorePortal.Data;

namespace CorePortal.Features.Auth;

/// <summary>
/// The pool rule, written once: a client may use a time frame (period) of a purchase on a day when the purchase is
/// active and not frozen that day, the period covers the day and has a credit left (or is unlimited), and the client is the
/// owner or holds an accepted share within its limits (not paused, under its caps: see <see cref="MayBook"/>). Every reader uses these expressions; the guarded debit restates it as <see cref="UsableSql"/> for
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

    /// <summary>Bookings that hold a credit: what the share caps count (per purchase and client).</summary>
    public static IQueryable<Booking> CreditsInUse(CoreDbContext db) => db.Bookings.Where(b => b.UsesCredit);

    /// <summary>
    /// Of <see cref="CreditsInUse"/>, those whose session's day falls in the regular period (not a bucket of rolled credits) of
    /// their purchase that covers <paramref name="day"/>: what a cap per period counts.
    /// </summary>
    public static IQueryable<Booking> CreditsInUseInPeriod(CoreDbContext db, DateOnly day)
    {
        var regular = db.CreditPeriods.Where(r => r.RolledFromPeriodId == null && r.StartsOn <= day && r.EndsOn >= day);
        return CreditsInUse(db).Where(b => regular.Any(r => r.PurchaseId == b.PurchaseId
            && r.StartsOn <= DateOnly.FromDateTime(b.Session!.StartsAt) && r.EndsOn >= DateOnly.FromDateTime(b.Session.StartsAt)));
    }

    /// <summary>
    /// The client may book from the purchase for a session on the day: the owner always; an authorized client while their share
    /// is not paused and their credits in use from it are below its caps (over the whole purchase, and in the period covering
    /// the day). A paused or capped client stays an authorized user (<see cref="HeldBy"/>): they still see the balance.
    /// </summary>
    public static Expression<Func<Purchase, bool>> MayBook(CoreDbContext db, int clientId, DateOnly day)
    {
        var shares = db.PurchaseShares.Where(AcceptedShare).Where(s => s.ClientId == clientId && !s.Paused);
        var inUse = CreditsInUse(db);
        var inPeriod = CreditsInUseInPeriod(db, day);
        return p => p.OwnerClientId == clientId || shares.Any(s => s.PurchaseId == p.Id
            && (s.CapTotal == null || inUse.Count(b => b.PurchaseId == p.Id && b.ClientId == clientId) < s.CapTotal)
            && (s.CapPerPeriod == null || inPeriod.Count(b => b.PurchaseId == p.Id && b.ClientId == clientId) < s.CapPerPeriod));
    }

    /// <summary>The period covers the day, has a credit left, its purchase is active and not frozen that day, and the client may book from it.</summary>
    public static Expression<Func<CreditPeriod, bool>> Usable(CoreDbContext db, int clientId, DateOnly day)
    {
        var frozen = FrozenOn(db, day);
        Expression<Func<CreditPeriod, bool>> open = p => p.StartsOn <= day && p.EndsOn >= day
            && (p.MaxCredits == null || p.UsedCredits < p.MaxCredits) && p.Purchase!.Status == PurchaseStatus.Active
            && !frozen.Any(f => f.PurchaseId == p.PurchaseId);
        var held = MayBook(db, clientId, day);
        var period = open.Parameters[0];
        var heldByPeriodsPurchase = new Substitute(held.Parameters[0], Expression.Property(period, nameof(CreditPeriod.Purchase))).Visit(held.Body);
        return Expression.Lambda<Func<CreditPeriod, bool>>(Expression.AndAlso(open.Body, heldByPeriodsPurchase), period);
    }

    /// <summary>
    /// <see cref="Usable"/> as a SQL condition on a row of "CreditPeriods", for the guarded debit: a composite format whose
    /// placeholders {0} and {1} are the client id and the day. Compose it with more SQL and pass it through
    /// <see cref="Sql"/>, so EF Core binds each value through the engine's own type mapping (a day is text on SQLite, a date
    /// on PostgreSQL). Every name is quoted: PostgreSQL folds unquoted names to lower case. A session's day is date(StartsAt) on
    /// both engines (SQLite's date function, PostgreSQL's function-style cast).
    /// </summary>
    public static readonly string UsableSql = $$"""
        "CreditPeriods"."StartsOn" <= {1} AND "CreditPeriods"."EndsOn" >= {1}
          AND ("CreditPeriods"."MaxCredits" IS NULL OR "CreditPeriods"."UsedCredits" < "CreditPeriods"."MaxCredits")
          AND NOT EXISTS (SELECT 1 FROM "Freezes" f WHERE f."PurchaseId" = "CreditPeriods"."PurchaseId" AND f."Status" = {{(int)FreezeStatus.Active}}
            AND f."StartsOn" <= {1} AND (f."EndsOn" IS NULL OR f."EndsOn" >= {1}))
          AND EXISTS (SELECT 1 FROM "Purchases" p WHERE p."Id" = "CreditPeriods"."PurchaseId" AND p."Status" = {{(int)PurchaseStatus.Active}}
            AND (p."OwnerClientId" = {0} OR EXISTS (SELECT 1 FROM "PurchaseShares" s
              WHERE s."PurchaseId" = p."Id" AND s."ClientId" = {0} AND s."Status" = {{(int)ShareStatus.Accepted}} AND NOT s."Paused"
                AND (s."CapTotal" IS NULL OR (SELECT COUNT(*) FROM "Bookings" b
                  WHERE b."PurchaseId" = p."Id" AND b."ClientId" = {0} AND b."UsesCredit") < s."CapTotal")
                AND (s."CapPerPeriod" IS NULL OR (SELECT COUNT(*) FROM "Bookings" b JOIN "Sessions" x ON x."Id" = b."SessionId"
                  WHERE b."PurchaseId" = p."Id" AND b."ClientId" = {0} AND b."UsesCredit"
                    AND EXISTS (SELECT 1 FROM "CreditPeriods" r WHERE r."PurchaseId" = p."Id" AND r."RolledFromPeriodId" IS NULL
                      AND r."StartsOn" <= {1} AND r."EndsOn" >= {1} AND r."StartsOn" <= date(x."StartsAt") AND r."EndsOn" >= date(x."StartsAt"))
                  ) < s."CapPerPeriod"))))
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
