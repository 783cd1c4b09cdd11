using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>What a member asks for: a freeze from a day (today or later) to a day, or until they ask to unfreeze (EndsOn null).</summary>
public sealed record FreezeRequestInput(DateOnly? StartsOn, DateOnly? EndsOn, string? Note);

/// <summary>One freeze request as the member sees it, with its answer once given.</summary>
public sealed record FreezeRequestView(int Id, int PurchaseId, string PurchaseName, DateOnly StartsOn, DateOnly? EndsOn, string? Note,
    FreezeRequestStatus Status, DateTime AskedAtUtc, DateTime? AnsweredAtUtc, string? AnsweredBy, string? AnswerNote);

/// <summary>A pending request in the staff queue: who asked, for which purchase, and the freeze mode approving it takes.</summary>
public sealed record FreezeQueueRow(int Id, int PurchaseId, int ClientId, string Client, string PurchaseName, string Location,
    DateOnly StartsOn, DateOnly? EndsOn, string? Note, DateTime AskedAtUtc, FreezeMode Mode);

/// <summary>
/// Members' freeze requests: a member asks (within the item's freeze rules), staff approve (the freeze itself is written by
/// <see cref="FreezeService"/>) or decline with a reason, and the member hears the answer in the app and by email.
/// </summary>
public sealed partial class FreezeRequestService(IDbContextFactory<CoreDbContext> dbFactory, FreezeService freezes, OutboxSignal outbox, TimeProvider clock)
{
    public const int MaxNoteLength = 500;

    /// <summary>
    /// A member asks to freeze a purchase they own. Refused (400, by field) outside the item's rules; 409 while another
    /// request for it is pending; 404/403 for a purchase that is not there or not theirs (a shared one included).
    /// </summary>
    public async Task<ServiceResult<FreezeRequestView>> AskAsync(ClaimsPrincipal user, int purchaseId, FreezeRequestInput input, CancellationToken ct = default)
    {
        if (Access.MemberClientId(user) is null) return Failed(ServiceResult.Forbidden("Freeze requests are made by members through the app."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        // "No other pending request" is read and then written: two requests at once wait here, and the second sees the first.
        await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
        var purchase = await db.Purchases.Include(p => p.CatalogItem).SingleOrDefaultAsync(p => p.Id == purchaseId, ct);
        if (purchase is null) return Failed(ServiceResult.NotFound("There is no such purchase."));
        if (!Access.CanAskToFreeze(user, purchase.OwnerClientId)) return Failed(ServiceResult.Forbidden("Only the owner can ask to freeze this package."));

        // The freeze rules, written once (FreezeRules through FreezeService's plan): a member's request must keep the item's rules,
        // which only a manager may break, and everything else a freeze by the desk must.
        var (plan, _, _) = await freezes.PlanAsync(db, user, purchaseId, new FreezeInput(input.StartsOn, input.EndsOn, Mode: null, Note: null), forSave: false, ct);
        if (!plan.Succeeded && plan.Outcome != Outcome.Invalid) return Failed(plan);
        var errors = plan.Errors.ToDictionary(e => e.Key, e => e.Value);
        var note = CleanText.Note(input.Note, out var noteError);
        if (input.Note?.Length > MaxNoteLength) errors["Note"] = [$"Keep the note under {MaxNoteLength} characters."];
        else if (noteError is not null) errors["Note"] = [noteError];
        if (errors.Count > 0) return Failed(ServiceResult.Invalid(errors));
        if (await db.FreezeRequests.AnyAsync(r => r.PurchaseId == purchaseId && r.Status == FreezeRequestStatus.Pending, ct))
            return Failed(ServiceResult.Conflict($"A freeze request for {purchase.Name} is already waiting for the studio's answer."));

        var request = new FreezeRequest
        {
            PurchaseId = purchaseId, ClientId = purchase.OwnerClientId, StartsOn = input.StartsOn!.Value, EndsOn = input.EndsOn,
            Note = string.IsNullOrEmpty(note) ? null : note, Status = FreezeRequestStatus.Pending, AskedAtUtc = Now(),
        };
        db.FreezeRequests.Add(request);
        db.PurchaseHistory.Add(new PurchaseHistoryEntry { PurchaseId = purchaseId, Text = $"Freeze requested: {FreezeNotices.Dates(request.StartsOn, request.EndsOn)}.", Actor = user.ActorName(), AtUtc = Now() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ServiceResult.Success(View(request, purchase.Name), "Your request has been sent to the studio.");
    }

    /// <summary>A client's freeze requests, newest first: the client themself, or the studio team.</summary>
    public async Task<ServiceResult<IReadOnlyList<FreezeRequestView>>> OfClientAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<IReadOnlyList<FreezeRequestView>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<FreezeRequestView>>(await db.FreezeRequests.AsNoTracking().Where(r => r.ClientId == clientId)
            .OrderByDescending(r => r.Id)
            .Select(r => new FreezeRequestView(r.Id, r.PurchaseId, r.Purchase!.Name, r.StartsOn, r.EndsOn, r.Note, r.Status, r.AskedAtUtc,
                r.AnsweredAtUtc, r.AnsweredBy, r.AnswerNote))
            .ToListAsync(ct));
    }

    /// <summary>The pending requests, oldest first: the staff queue.</summary>
    public async Task<ServiceResult<IReadOnlyList<FreezeQueueRow>>> QueueAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Access.CanAnswerFreezeRequests(user)) return ServiceResult.Failure<IReadOnlyList<FreezeQueueRow>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<FreezeQueueRow>>(await db.FreezeRequests.AsNoTracking()
            .Where(r => r.Status == FreezeRequestStatus.Pending)
            .OrderBy(r => r.AskedAtUtc).ThenBy(r => r.Id)
            .Select(r => new FreezeQueueRow(r.Id, r.PurchaseId, r.ClientId, r.Purchase!.OwnerClient!.FirstName + " " + r.Purchase.OwnerClient.LastName,
                r.Purchase.Name, r.Purchase.Location!.Name, r.StartsOn, r.EndsOn, r.Note, r.AskedAtUtc, r.Purchase.CatalogItem!.DefaultFreezeMode))
            .ToListAsync(ct));
    }

    /// <summary>How many requests wait for an answer (the nav badge); 0 for a caller who cannot answer them.</summary>
    public async Task<int> PendingCountAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Access.CanAnswerFreezeRequests(user)) return 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.FreezeRequests.CountAsync(r => r.Status == FreezeRequestStatus.Pending, ct);
    }

    private static FreezeRequestView View(FreezeRequest r, string purchaseName) =>
        new(r.Id, r.PurchaseId, purchaseName, r.StartsOn, r.EndsOn, r.Note, r.Status, r.AskedAtUtc, r.AnsweredAtUtc, r.AnsweredBy, r.AnswerNote);

    private static ServiceResult<T> Failed<T>(ServiceResult failure) => ServiceResult.Failure<T>(failure);

    private static ServiceResult<FreezeRequestView> Failed(ServiceResult failure) => ServiceResult.Failure<FreezeRequestView>(failure);

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
}
