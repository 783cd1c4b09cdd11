using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

// Attendance and its policy (a no-show keeps or returns the credit), and staff waiving a kept credit.
public sealed partial class BookingService
{
    /// <summary>
    /// Marks the client as attended; the credit stays used. A booking whose credit was returned (a no-show refunded by its
    /// policy, or a waived penalty) is refused: attending would need a credit again, and the desk takes one with Update Credits.
    /// </summary>
    public Task<ServiceResult> MarkAttendedAsync(ClaimsPrincipal user, int bookingId, CancellationToken ct = default) =>
        MarkAsync(user, bookingId, BookingStatus.Attended, ct);

    /// <summary>Marks the client as a no-show and applies the no-show policy: the credit is kept (a Penalty row) or returned.</summary>
    public Task<ServiceResult> MarkNoShowAsync(ClaimsPrincipal user, int bookingId, CancellationToken ct = default) =>
        MarkAsync(user, bookingId, BookingStatus.NoShow, ct);

    private async Task<ServiceResult> MarkAsync(ClaimsPrincipal user, int bookingId, BookingStatus status, CancellationToken ct)
    {
        if (!Access.CanMarkAttendance(user)) return ServiceResult.Forbidden("Your role does not allow marking attendance.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var b = await PolicyFactsAsync(db, bookingId, ct);
        if (b is null) return ServiceResult.NotFound("That booking no longer exists.");
        var marked = $"Marked {SessionLabel.StatusText(status).ToLowerInvariant()}";
        if (b.Status == BookingStatus.Cancelled) return ServiceResult.Conflict("A cancelled booking cannot be marked attended or no-show.");
        if (b.Status == status) return ServiceResult.Ok($"{marked}.");
        if (status == BookingStatus.Attended && !b.UsesCredit)
            return ServiceResult.Conflict($"{b.Client}'s credit for this no-show was returned ({(b.Waived ? "waived" : "the no-show policy")}), so they cannot be " +
                "marked attended without a credit. Leave it a no-show, or take a credit with Update Credits.");

        var keeps = false;
        BookingPolicy? policy = null;
        if (status == BookingStatus.NoShow)
        {
            policy = await BookingPolicy.ForPurchaseAsync(db, b.PurchaseId, ct);
            keeps = policy.NoShowCost == PolicyCost.KeepCredit;
        }
        // Attended clears a no-show's penalty: the kept credit now pays for the visit.
        var penalty = keeps ? BookingPenalty.NoShow : BookingPenalty.None;
        var changed = await db.Bookings.Where(x => x.Id == bookingId && x.Status == b.Status && x.UsesCredit && x.WaivedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status).SetProperty(x => x.Penalty, penalty).SetProperty(x => x.UsesCredit, status == BookingStatus.Attended || keeps), ct);
        if (changed == 0) return ServiceResult.Conflict("The booking changed meanwhile; nothing was changed. Reload and try again.");
        if (policy is not null)
        {
            if (!keeps && await MoveUsedAsync(db, b.PeriodId, -1, ct) == 0)
                return ServiceResult.Conflict("The booking's credits changed meanwhile; nothing was changed. Reload and try again.");
            await AddUsedRowAsync(db, b.PurchaseId, b.PeriodId, keeps ? LedgerKind.Penalty : LedgerKind.CancellationRefund, keeps ? 0 : -1, bookingId,
                user.ActorName(), clock.GetUtcNow().UtcDateTime, keeps
                    ? $"No-show ({policy.RuleName}): credit kept. {b.SessionLabel}, booked by {b.Client}"
                    : $"No-show ({policy.RuleName}): credit returned. {b.SessionLabel}, booked by {b.Client}", ct);
        }
        await tx.CommitAsync(ct);
        if (policy is not null && !keeps) await feed.PublishPeriodsAsync(db, [b.PeriodId], CancellationToken.None);
        return ServiceResult.Ok(policy is null ? $"{marked}." : $"{marked}: the credit is {(keeps ? "kept" : "returned")} ({policy.RuleName}).");
    }

    /// <summary>
    /// Returns the credit a late cancellation or a no-show kept (Staff and up, with a note saying why): a Waived row on the
    /// booking's period (the pool's, in a shared pool). Once only: a second waiver is a conflict.
    /// </summary>
    public async Task<ServiceResult> WaiveAsync(ClaimsPrincipal user, int bookingId, string? note, CancellationToken ct = default)
    {
        if (!Access.CanWaivePenalties(user)) return ServiceResult.Forbidden("Your role does not allow waiving penalties.");
        var cleanNote = CleanText.Note(note, out var noteError);
        if (noteError is not null) return ServiceResult.Invalid(NoteField, noteError);
        if (cleanNote!.Length == 0) return ServiceResult.Invalid(NoteField, "Say in a note why the penalty is waived.");
        if (cleanNote.Length > MaxNoteLength) return ServiceResult.Invalid(NoteField, $"Keep the note under {MaxNoteLength} characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var b = await PolicyFactsAsync(db, bookingId, ct);
        if (b is null) return ServiceResult.NotFound("That booking no longer exists.");
        if (b.Penalty == BookingPenalty.None) return ServiceResult.Conflict($"{b.Client}'s booking for {b.SessionLabel} has no penalty to waive.");
        if (b.Waived) return ServiceResult.Conflict($"{b.Client}'s penalty for {b.SessionLabel} was already waived.");
        var nowUtc = clock.GetUtcNow().UtcDateTime;
        var actor = user.ActorName();
        var waived = await db.Bookings.Where(x => x.Id == bookingId && x.Penalty != BookingPenalty.None && x.WaivedAtUtc == null && x.UsesCredit)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.UsesCredit, false).SetProperty(x => x.WaivedAtUtc, nowUtc).SetProperty(x => x.WaivedBy, actor), ct);
        if (waived == 0 || await MoveUsedAsync(db, b.PeriodId, -1, ct) == 0)
            return ServiceResult.Conflict($"{b.Client}'s penalty for {b.SessionLabel} changed meanwhile; nothing was changed. Reload and try again.");
        var rule = b.Penalty == BookingPenalty.NoShow ? "No-show" : "Late cancellation";
        await AddUsedRowAsync(db, b.PurchaseId, b.PeriodId, LedgerKind.Waived, -1, bookingId, actor, nowUtc,
            $"{rule} penalty waived: credit returned. {b.SessionLabel}, booked by {b.Client}. {cleanNote}", ct);
        await tx.CommitAsync(ct);
        await feed.PublishPeriodsAsync(db, [b.PeriodId], CancellationToken.None);
        return ServiceResult.Ok($"{b.Client}'s {rule.ToLowerInvariant()} penalty is waived and the credit returned.");
    }

    private sealed record PolicyFacts(BookingStatus Status, bool UsesCredit, BookingPenalty Penalty, bool Waived, int PurchaseId, int PeriodId,
        string Client, string SessionLabel);

    private static async Task<PolicyFacts?> PolicyFactsAsync(CoreDbContext db, int bookingId, CancellationToken ct)
    {
        var b = await db.Bookings.AsNoTracking().Where(x => x.Id == bookingId)
            .Select(x => new { x.Status, x.UsesCredit, x.Penalty, x.WaivedAtUtc, x.PurchaseId, x.PeriodId, Client = x.Client!.FirstName + " " + x.Client.LastName,
                x.Session!.Name, x.Session.StartsAt })
            .FirstOrDefaultAsync(ct);
        return b is null ? null : new(b.Status, b.UsesCredit, b.Penalty, b.WaivedAtUtc is not null, b.PurchaseId, b.PeriodId, b.Client, SessionLabel.Of(b.Name, b.StartsAt));
    }
}
