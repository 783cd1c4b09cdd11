using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

// What happens to a booking after it is made: cancelled (the credit refunded, or kept by a late-cancel policy); attendance and
// waivers are in BookingService.Penalties.cs.
public sealed partial class BookingService
{
    public const int MaxNoteLength = CreditAdjustmentService.MaxNoteLength;
    public const string NoteField = "note";

    /// <summary>
    /// Cancels a live booking and refunds its credit to the time frame it came from. Once the session has started a member
    /// may no longer cancel (the credit was the price of the place), and staff may only with a <paramref name="note"/> saying
    /// why, which the refund's ledger row keeps.
    /// </summary>
    public async Task<ServiceResult> CancelAsync(ClaimsPrincipal user, int bookingId, string? note = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var booking = await db.Bookings.AsNoTracking().Where(b => b.Id == bookingId)
            .Select(b => new { b.ClientId, b.PurchaseId, b.PeriodId, b.SessionId, b.Status, b.Session!.Name, b.Session.StartsAt, b.Session.Location!.TimeZoneId,
                Client = b.Client!.FirstName + " " + b.Client.LastName })
            .FirstOrDefaultAsync(ct);
        if (booking is null) return ServiceResult.NotFound("That booking no longer exists.");
        if (!Access.CanCancelBooking(user, booking.ClientId)) return ServiceResult.Forbidden("Your role does not allow cancelling this booking.");
        var cleanNote = CleanText.Note(note, out var noteError);
        if (noteError is not null) return ServiceResult.Invalid(NoteField, noteError);
        if (cleanNote!.Length > MaxNoteLength) return ServiceResult.Invalid(NoteField, $"Keep the note under {MaxNoteLength} characters.");
        var sessionLabel = SessionLabel.Of(booking.Name, booking.StartsAt);
        if (booking.Status != BookingStatus.Booked)
            return ServiceResult.Conflict($"{booking.Client}'s booking for {sessionLabel} is {SessionLabel.StatusText(booking.Status).ToLowerInvariant()} and cannot be cancelled.");
        if (HasStarted(booking.StartsAt, booking.TimeZoneId, clock))
        {
            if (!Access.CanCancelAfterStart(user))
                return ServiceResult.Conflict($"{sessionLabel} has started: the booking can no longer be cancelled. Ask the studio if something went wrong.");
            if (cleanNote.Length == 0)
                return ServiceResult.Invalid(NoteField, $"{sessionLabel} has started: say in a note why the booking is cancelled after the start.");
        }

        // Read before the write lock: the updates below each re-check what they change and refuse if it moved meanwhile. The
        // consequence is worked out under the lock, after the client's late cancellations are locked (PostgreSQL), so two late
        // cancellations at once cannot both take the last free one.
        await using var tx = await db.BeginWriteAsync(ct);
        await tx.LockAsync(LockNames.LateCancellations(booking.ClientId), ct);
        var consequence = (await CancellationConsequence.OfAsync(db, bookingId, clock, ct))!;
        var nowUtc = clock.GetUtcNow().UtcDateTime;
        var keeps = consequence.KeepsCredit;
        var cancelled = await db.Bookings.Where(b => b.Id == bookingId && b.Status == BookingStatus.Booked)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Cancelled).SetProperty(b => b.ActiveClientId, (int?)null)
                .SetProperty(b => b.UsesCredit, keeps).SetProperty(b => b.CancelledAtUtc, nowUtc).SetProperty(b => b.CancelledLate, consequence.Late)
                .SetProperty(b => b.Penalty, keeps ? BookingPenalty.LateCancel : BookingPenalty.None), ct);
        var refunded = keeps ? 1 : await MoveUsedAsync(db, booking.PeriodId, -1, ct);
        var freed = await db.Sessions.Where(s => s.Id == booking.SessionId && s.BookedCount > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.BookedCount, x => x.BookedCount - 1), ct);
        if (cancelled == 0 || refunded == 0 || freed == 0)
            return ServiceResult.Conflict("The booking changed while cancelling; nothing was changed. Reload and try again.");

        var extra = cleanNote.Length > 0 ? $". {cleanNote}" : "";
        var policy = consequence.Policy;
        var ledgerNote = keeps
            ? $"Late cancellation inside {policy.LateCancelHours} hours ({policy.RuleName}): credit kept. {sessionLabel}, booked by {booking.Client}{extra}"
            : $"{sessionLabel} cancelled for {booking.Client}" + (consequence.FreeUnderGrace
                ? $", late, free: {consequence.GraceUsedAfter} of {policy.GraceCount} free late cancellations used"
                : consequence.Late ? $", late ({policy.RuleName} returns the credit)" : "") + extra;
        await AddUsedRowAsync(db, booking.PurchaseId, booking.PeriodId, keeps ? LedgerKind.Penalty : LedgerKind.CancellationRefund, keeps ? 0 : -1,
            bookingId, user.ActorName(), nowUtc, ledgerNote, ct);
        await tx.CommitAsync(ct);
        await feed.PublishPeriodsAsync(db, [booking.PeriodId], CancellationToken.None);
        await FillWaitlistAsync(booking.SessionId);
        var done = $"{booking.Client}'s booking for {sessionLabel} is cancelled";
        return ServiceResult.Ok(keeps ? $"{done}, late: the credit is kept ({policy.RuleName})."
            : consequence.FreeUnderGrace ? $"{done} and the credit refunded: a free late cancellation ({consequence.GraceUsedAfter} of {policy.GraceCount} used)."
            : $"{done} and the credit refunded.");
    }

    /// <summary>
    /// Committed, a place is free: the first on the waitlist gets it now. Not with the caller's token: the cancellation stands
    /// whether or not its caller waits, and a promotion that fails here is made by WaitlistJob's next sweep.
    /// </summary>
    internal async Task FillWaitlistAsync(int sessionId)
    {
        if (waitlist is not null) await waitlist().FillAsync(sessionId, CancellationToken.None);
    }

    // Moves a period's Used by one (a refund, a waiver) only while that stays at or above zero; 0 when it did not.
    private static Task<int> MoveUsedAsync(CoreDbContext db, int periodId, int by, CancellationToken ct)
    {
        var version = Guid.NewGuid();
        return db.CreditPeriods.Where(p => p.Id == periodId && p.UsedCredits + by >= 0)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedCredits, p => p.UsedCredits + by).SetProperty(p => p.Version, version), ct);
    }

    // A ledger row of a kind that moves Used (LedgerKinds.MoveUsed), with the period's balance as it now stands.
    private static async Task AddUsedRowAsync(CoreDbContext db, int purchaseId, int periodId, LedgerKind kind, int amount, int bookingId,
        string actor, DateTime nowUtc, string note, CancellationToken ct)
    {
        var balance = await db.CreditPeriods.AsNoTracking().Where(p => p.Id == periodId).Select(p => new { p.UsedCredits, p.MaxCredits }).SingleAsync(ct);
        db.Ledger.Add(new CreditLedgerEntry
        {
            PurchaseId = purchaseId, PeriodId = periodId, Kind = kind, Amount = amount, BookingId = bookingId,
            MaxAfter = balance.MaxCredits, UsedAfter = balance.UsedCredits, Actor = actor, AtUtc = nowUtc, Note = note.Length > 500 ? note[..500] : note, // the column's length
        });
        await db.SaveChangesAsync(ct);
    }
}
