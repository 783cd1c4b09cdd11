using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>
/// Cancelling a purchase, with its preview. A cancellation "now" makes the purchase unusable from today (CancelsOn = yesterday,
/// Status Cancelled); one at the end of the period keeps the current period usable to its end (CancelsOn = its last day; the
/// renewal job sets Status Cancelled once that day has passed). Every period that ends after CancelsOn is forfeited and closed
/// there, after the refunds of the bookings moved or cancelled; the shares end when the cancellation is saved.
/// </summary>
public sealed class CancellationService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, OutboxSignal outbox, TimeProvider clock,
    Func<Bookings.WaitlistPromoter>? waitlist = null)
{
    public const int MaxReasonLength = 500;
    public const string EffectiveField = "effective";
    public const string ReasonField = "reason";

    /// <summary>What the cancellation would write, or why it is refused; writes nothing.</summary>
    public async Task<ServiceResult<CancellationPlan>> PreviewAsync(ClaimsPrincipal user, int purchaseId, CancellationRequest request, CancellationToken ct = default)
    {
        if (!Access.CanCancelPurchase(user)) return Refused();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PlanAsync(db, purchaseId, request, ct);
    }

    /// <summary>Recomputes the plan under the purchase's lock and writes exactly it, in one transaction; returns the plan written.</summary>
    public async Task<ServiceResult<CancellationPlan>> CancelAsync(ClaimsPrincipal user, int purchaseId, CancellationRequest request, CancellationToken ct = default)
    {
        if (!Access.CanCancelPurchase(user)) return Refused();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
        // Touch every period before reading bookings: a booking debiting one of them meanwhile waits for us, then re-checks.
        var touch = Guid.NewGuid();
        await db.CreditPeriods.Where(p => p.PurchaseId == purchaseId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Version, touch), ct);
        var result = await PlanAsync(db, purchaseId, request, ct);
        if (!result.Succeeded) return result;
        var plan = result.Value!;

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = user.ActorName();
        var applied = await AffectedBookings.ApplyAsync(db, tx, plan.Bookings, plan.Decisions, actor, now, $"{plan.PurchaseName} cancelled: {plan.Reason}", ct);
        if (!applied.Succeeded) return ServiceResult.Failure<CancellationPlan>(applied);

        // Read after the refunds above (ExecuteUpdate), so Used is what the plan expects once they are done.
        var periods = await db.CreditPeriods.Where(p => p.PurchaseId == purchaseId).ToListAsync(ct);
        foreach (var change in plan.Periods)
        {
            var period = periods.Single(p => p.Id == change.PeriodId);
            if (period.UsedCredits != change.UsedAfter) return ServiceResult.Failure<CancellationPlan>(ServiceResult.Conflict(Changed));
            period.MaxCredits = change.MaxAfter;
            period.EndsOn = change.EndsOnAfter;
            period.Version = Guid.NewGuid();
            db.Ledger.Add(new CreditLedgerEntry
            {
                PurchaseId = purchaseId, PeriodId = period.Id, Kind = change.Kind, Amount = -change.Forfeited, MaxAfter = period.MaxCredits,
                UsedAfter = period.UsedCredits, StartsOnAfter = period.StartsOn, EndsOnAfter = period.EndsOn, Actor = actor, AtUtc = now,
                Note = Trim($"Cancelled ({Describe(plan)}): {plan.Reason}"),
            });
        }

        var purchase = await db.Purchases.Include(p => p.OwnerClient).SingleAsync(p => p.Id == purchaseId, ct);
        purchase.Status = plan.StatusAfter;
        purchase.CancelsOn = plan.CancelsOn;
        purchase.CancelledAtUtc = now;
        purchase.CancelledBy = actor;
        purchase.CancelReason = plan.Reason;
        if (periods.Count > 0) purchase.EndsOn = periods.Max(p => p.EndsOn);
        db.PurchaseHistory.Add(new PurchaseHistoryEntry { PurchaseId = purchaseId, Text = Trim($"Cancelled ({Describe(plan)}): {plan.Reason}"), Actor = actor, AtUtc = now });
        await EndSharesAsync(db, purchase, plan, actor, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ServiceResult.Failure<CancellationPlan>(ServiceResult.Conflict(Changed));
        }
        await tx.CommitAsync(ct);
        if (plan.Shares.Count > 0) outbox.Poke();
        // Committed: tell listeners even if the caller gave up. The periods of other purchases that took moved bookings too.
        await feed.PublishPeriodsAsync(db, periods.Select(p => p.Id).Concat(applied.Value!).Distinct(), CancellationToken.None);
        if (waitlist is not null) await waitlist().FillAllAsync(AffectedBookings.FreedSessions(plan.Bookings, plan.Decisions));
        return ServiceResult.Success(plan, $"{plan.PurchaseName} {(plan.StatusAfter == PurchaseStatus.Cancelled ? "was cancelled" : $"cancels on {plan.CancelsOn:d MMM yyyy}")}.");
    }

    /// <summary>The one computation of what a cancellation does, from the stored rows: the preview returns it, the save writes it.</summary>
    private async Task<ServiceResult<CancellationPlan>> PlanAsync(CoreDbContext db, int purchaseId, CancellationRequest request, CancellationToken ct)
    {
        var purchase = await db.Purchases.AsNoTracking().Where(p => p.Id == purchaseId)
            .Select(p => new { p.Name, p.Kind, p.Status, p.CancelsOn, p.CancelReason }).SingleOrDefaultAsync(ct);
        if (purchase is null) return Fail(ServiceResult.NotFound("There is no such purchase."));
        if (purchase.Status == PurchaseStatus.Cancelled || purchase.CancelsOn is not null)
            return Fail(ServiceResult.Conflict($"{purchase.Name} is already cancelled{(purchase.Status == PurchaseStatus.Active ? $": it ends on {purchase.CancelsOn:d MMM yyyy}" : "")} ({purchase.CancelReason}). Nothing was changed."));

        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var periods = await db.CreditPeriods.AsNoTracking().Where(p => p.PurchaseId == purchaseId).OrderBy(p => p.StartsOn).ThenBy(p => p.Id).ToListAsync(ct);
        var effective = request.Effective ?? (purchase.Kind == CatalogKind.Membership ? CancelEffective.EndOfPeriod : CancelEffective.Now);
        var current = periods.FirstOrDefault(p => p.RolledFromPeriodId is null && p.EndsOn >= today && p.EndsOn >= p.StartsOn);
        var errors = new Dictionary<string, string[]>();
        if (!Enum.IsDefined(effective)) errors[EffectiveField] = ["Choose Now or At the end of the current period."];
        else if (effective == CancelEffective.EndOfPeriod && purchase.Kind == CatalogKind.Package)
            errors[EffectiveField] = ["A package is cancelled at once: choose Now."];
        else if (effective == CancelEffective.EndOfPeriod && current is null)
            errors[EffectiveField] = [$"{purchase.Name} has no current period left to finish: choose Now."];
        var reason = CleanText.Note(request.Reason, out var reasonError);
        if (reason is null) errors[ReasonField] = [reasonError!];
        else if (reason.Length == 0) errors[ReasonField] = ["Give the reason for the cancellation."];
        else if (reason.Length > MaxReasonLength) errors[ReasonField] = [$"Keep the reason under {MaxReasonLength} characters."];
        if (errors.Count > 0) return Fail(ServiceResult.Invalid(errors));

        var cancelsOn = effective == CancelEffective.Now ? today.AddDays(-1) : current!.EndsOn;
        var affected = await AffectedBookings.FindAsync(db, purchaseId, _ => true, day => day <= cancelsOn, clock, ct);
        var decisions = AffectedBookings.Resolve(affected, request.Bookings);
        if (!decisions.Succeeded) return Fail(decisions);
        var refunds = AffectedBookings.RefundsPerPeriod(affected, decisions.Value!);

        var changes = periods.Where(p => p.EndsOn > cancelsOn).Select(p =>
        {
            var refunded = refunds.GetValueOrDefault(p.Id);
            // A bucket of rolled credits that outlives an end-of-period cancellation stays usable to the end: only shortened.
            var forfeits = effective == CancelEffective.Now || p.StartsOn > cancelsOn;
            var maxAfter = forfeits && p.MaxCredits is not null ? p.UsedCredits - refunded : p.MaxCredits;
            return new CancelPeriodChange(p.Id, p.Sequence, p.StartsOn, p.EndsOn, cancelsOn, p.UsedCredits, refunded, p.MaxCredits, maxAfter,
                forfeits ? LedgerKind.Forfeited : LedgerKind.Validity);
        }).ToList();
        var shares = await db.PurchaseShares.AsNoTracking()
            .Where(s => s.PurchaseId == purchaseId && (s.Status == ShareStatus.Pending || s.Status == ShareStatus.Accepted))
            .OrderBy(s => s.Id).Select(s => new EndingShare(s.Id, s.ClientId, s.Client!.FirstName + " " + s.Client.LastName, s.Status)).ToListAsync(ct);
        var statusAfter = effective == CancelEffective.Now ? PurchaseStatus.Cancelled : PurchaseStatus.Active;
        return ServiceResult.Success(new CancellationPlan(purchaseId, purchase.Name, purchase.Kind, effective, cancelsOn, statusAfter, reason!, changes,
            affected, decisions.Value!, shares));
    }

    // Each authorized client (and each pending invitation) is taken off and told why, by email and in the app, through the outbox.
    private static async Task EndSharesAsync(CoreDbContext db, Purchase purchase, CancellationPlan plan, string actor, DateTime now, CancellationToken ct)
    {
        var ids = plan.Shares.Select(s => s.ShareId).ToList();
        var shares = await db.PurchaseShares.Include(s => s.Client).Where(s => ids.Contains(s.Id)).ToListAsync(ct);
        foreach (var share in shares)
        {
            share.Status = ShareStatus.Removed;
            share.RemovedAtUtc = now;
            share.TokenHash = null;
            share.TokenExpiresAtUtc = null;
            db.PurchaseHistory.Add(new PurchaseHistoryEntry { PurchaseId = purchase.Id, Text = $"{share.Client!.FullName} removed: {plan.PurchaseName} was cancelled.", Actor = actor, AtUtc = now });
            var text = Trim($"{purchase.OwnerClient!.FullName}'s {plan.PurchaseName} was cancelled, so you can no longer book with it. Reason: {plan.Reason}");
            // No PurchaseShareId: the outbox reads that as an invitation, whose link a removed share no longer has.
            foreach (var channel in new[] { OutboxChannel.Email, OutboxChannel.Push })
                db.Outbox.Add(new OutboxMessage
                {
                    Channel = channel, ClientId = share.ClientId, Recipient = channel == OutboxChannel.Email ? share.Client.Email : share.Client.FullName,
                    Subject = $"{plan.PurchaseName} was cancelled",
                    Body = channel == OutboxChannel.Email ? $"Hi {share.Client.FirstName}, {text}" : text,
                    CreatedAtUtc = now, NextAttemptAtUtc = now,
                });
        }
    }

    private const string Changed = "A booking or the credits of this purchase changed while it was cancelled; nothing was changed. Reload the preview and try again.";

    private static string Describe(CancellationPlan plan) =>
        plan.Effective == CancelEffective.Now ? "now" : $"at the end of the period, last day {plan.CancelsOn:d MMM yyyy}";

    private static string Trim(string text) => text.Length > 500 ? text[..500] : text;

    private static ServiceResult<CancellationPlan> Fail(ServiceResult failure) => ServiceResult.Failure<CancellationPlan>(failure);

    private static ServiceResult<CancellationPlan> Refused() => Fail(ServiceResult.Forbidden("Only front-desk staff and managers can cancel a purchase."));
}
