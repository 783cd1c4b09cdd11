using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>An answered request, and the freeze approving it wrote (null when it had been written by an earlier attempt).</summary>
public sealed record FreezeApproval(FreezeRequestView Request, FreezePlan? Plan);

public sealed partial class FreezeRequestService
{
    public const string AnswerNoteField = "AnswerNote";
    /// <summary>Shorter than a note: the member's notification quotes it, and a notification holds 500 characters.</summary>
    public const int MaxAnswerLength = 300;

    /// <summary>What approving the request would write: the freeze service's own preview, with the item's default mode.</summary>
    public async Task<ServiceResult<FreezePlan>> PreviewApprovalAsync(ClaimsPrincipal user, int requestId, IReadOnlyList<BookingDecision>? bookings = null,
        CancellationToken ct = default)
    {
        if (!Access.CanAnswerFreezeRequests(user)) return Failed<FreezePlan>(ServiceResult.Forbidden());
        var (request, mode, refused) = await PendingAsync(requestId, ct);
        if (refused is not null) return Failed<FreezePlan>(refused);
        return await freezes.PreviewAsync(user, request!.PurchaseId, Input(request, mode, bookings), ct);
    }

    /// <summary>
    /// Approves: the freeze service writes the freeze (its own rules, lock and transaction; FreezeRequestId names this request),
    /// then the request is marked approved and the member notified. A freeze already written for the request (an earlier attempt
    /// whose answer failed to save) is not written twice.
    /// </summary>
    public async Task<ServiceResult<FreezeApproval>> ApproveAsync(ClaimsPrincipal user, int requestId, IReadOnlyList<BookingDecision>? bookings = null,
        CancellationToken ct = default)
    {
        if (!Access.CanAnswerFreezeRequests(user)) return Failed<FreezeApproval>(ServiceResult.Forbidden());
        var (request, mode, refused) = await PendingAsync(requestId, ct);
        if (refused is not null) return Failed<FreezeApproval>(refused);
        FreezePlan? plan = null;
        if (!await FreezeWrittenAsync(requestId, ct))
        {
            var frozen = await freezes.FreezeAsync(user, request!.PurchaseId, Input(request, mode, bookings), ct);
            if (!frozen.Succeeded) return Failed<FreezeApproval>(frozen);
            plan = frozen.Value;
        }
        var answered = await AnswerAsync(user, requestId, FreezeRequestStatus.Approved, null, ct);
        return answered.Value is { } view ? ServiceResult.Success(new FreezeApproval(view, plan), answered.Message) : Failed<FreezeApproval>(answered);
    }

    /// <summary>Declines with a reason the member reads (required); nothing is frozen.</summary>
    public async Task<ServiceResult<FreezeRequestView>> DeclineAsync(ClaimsPrincipal user, int requestId, string? answerNote, CancellationToken ct = default)
    {
        if (!Access.CanAnswerFreezeRequests(user)) return Failed(ServiceResult.Forbidden());
        var note = CleanText.Note(answerNote, out var noteError);
        if (noteError is not null) return Failed(ServiceResult.Invalid(AnswerNoteField, noteError));
        if (string.IsNullOrEmpty(note)) return Failed(ServiceResult.Invalid(AnswerNoteField, "Say why the request is declined: the member reads it."));
        if (note.Length > MaxAnswerLength) return Failed(ServiceResult.Invalid(AnswerNoteField, $"Keep the answer under {MaxAnswerLength} characters."));
        return await AnswerAsync(user, requestId, FreezeRequestStatus.Declined, note, ct);
    }

    // Marks the answer under the purchase's lock (the lock FreezeService writes the freeze under), with the member's notice.
    private async Task<ServiceResult<FreezeRequestView>> AnswerAsync(ClaimsPrincipal user, int requestId, FreezeRequestStatus answer, string? note, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        if (await db.FreezeRequests.Where(r => r.Id == requestId).Select(r => (int?)r.PurchaseId).SingleOrDefaultAsync(ct) is not { } purchaseId)
            return Failed(ServiceResult.NotFound("There is no such freeze request."));
        await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
        var request = await db.FreezeRequests.Include(r => r.Purchase).SingleAsync(r => r.Id == requestId, ct);
        var frozen = await db.Freezes.AnyAsync(f => f.FreezeRequestId == requestId, ct);
        // The freeze is the truth: a request whose freeze was written is approved even if it was answered meanwhile.
        if (answer == FreezeRequestStatus.Declined && (request.Status != FreezeRequestStatus.Pending || frozen))
            return Failed(ServiceResult.Conflict($"This request was already {(frozen ? "approved" : request.Status.ToString().ToLowerInvariant())}."));
        if (answer == FreezeRequestStatus.Approved && !frozen)
            return Failed(ServiceResult.Conflict("No freeze was written for this request; approve it again."));
        request.Status = answer;
        request.AnsweredAtUtc = Now();
        request.AnsweredBy = user.ActorName();
        request.AnswerNote = note;
        var name = request.Purchase!.Name;
        var dates = FreezeNotices.Dates(request.StartsOn, request.EndsOn);
        var text = answer == FreezeRequestStatus.Approved
            ? $"Your freeze request for {name} ({dates}) was approved."
            : $"Your freeze request for {name} ({dates}) was declined: {note}";
        await FreezeNotices.QueueAsync(db, request.ClientId, $"Your freeze request for {name}", text, Now(), ct);
        db.PurchaseHistory.Add(new PurchaseHistoryEntry { PurchaseId = purchaseId, Text = $"Freeze request {answer.ToString().ToLowerInvariant()} ({dates}).", Actor = user.ActorName(), AtUtc = Now() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Poke();
        return ServiceResult.Success(View(request, name), answer == FreezeRequestStatus.Approved ? $"{name} is frozen {dates}." : "The request was declined.");
    }

    private async Task<(FreezeRequest? Request, FreezeMode Mode, ServiceResult? Refused)> PendingAsync(int requestId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.FreezeRequests.AsNoTracking().Where(r => r.Id == requestId)
            .Select(r => new { Request = r, r.Purchase!.CatalogItem!.DefaultFreezeMode }).SingleOrDefaultAsync(ct);
        if (found is null) return (null, default, ServiceResult.NotFound("There is no such freeze request."));
        if (found.Request.Status != FreezeRequestStatus.Pending)
            return (null, default, ServiceResult.Conflict($"This request was already {found.Request.Status.ToString().ToLowerInvariant()}."));
        return (found.Request, found.DefaultFreezeMode, null);
    }

    private async Task<bool> FreezeWrittenAsync(int requestId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Freezes.AnyAsync(f => f.FreezeRequestId == requestId, ct);
    }

    private static FreezeInput Input(FreezeRequest request, FreezeMode mode, IReadOnlyList<BookingDecision>? bookings) =>
        new(request.StartsOn, request.EndsOn, mode, request.Note, Bookings: bookings, FreezeRequestId: request.Id);
}
