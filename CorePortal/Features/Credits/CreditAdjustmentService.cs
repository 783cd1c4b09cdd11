using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CreditAction>))]
public enum CreditAction { AddCredits, DeductCredits }

/// <summary>A period as the dialog saw it: the Version it read, so a change made meanwhile is noticed.</summary>
public sealed record PeriodVersion(int PeriodId, Guid Version);

/// <summary>
/// One Update Credits: an action and amount applied to one or more periods of a purchase, and optionally
/// new validity dates (one period at a time), with a note. Amount may be null only when editing validity.
/// </summary>
public sealed record CreditAdjustment(int PurchaseId, IReadOnlyList<PeriodVersion> Periods, CreditAction Action, int? Amount,
    bool EditValidity = false, DateOnly? StartsOn = null, DateOnly? EndsOn = null, string? Note = null, bool NotifyClient = false);

/// <summary>What saving would do to one period: shown as a preview before saving.</summary>
public sealed record AdjustmentPreview(int PeriodId, DateOnly StartsOn, DateOnly EndsOn, int Used, int? MaxBefore, int? MaxAfter);

/// <summary>A period's figures before an adjustment: what the preview and the save both start from.</summary>
public sealed record PeriodFigures(int PeriodId, DateOnly StartsOn, DateOnly EndsOn, int Used, int? Max)
{
    public static PeriodFigures Of(PeriodRow row) => new(row.Id, row.StartsOn, row.EndsOn, row.Used, row.Max);
}

/// <summary>Update Credits: every rule is checked here, on the server, and a save is one transaction or nothing.</summary>
public sealed class CreditAdjustmentService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, OutboxSignal outbox, TimeProvider clock)
{
    public const int MaxAmount = 999;
    public const int MaxNoteLength = 500;
    public const string ChangedBySomeoneElse = "These credits were changed by someone else since you opened them. The numbers have been reloaded: check them and save again.";

    public async Task<ServiceResult<IReadOnlyList<AdjustmentPreview>>> SaveAsync(ClaimsPrincipal user, CreditAdjustment request, CancellationToken ct = default)
    {
        if (!Access.CanAdjustCredits(user)) return ServiceResult.Failure<IReadOnlyList<AdjustmentPreview>>(ServiceResult.Forbidden("Only front-desk staff and managers can update credits."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct); // SQLite: BEGIN IMMEDIATE, no other writer until we commit
        // PostgreSQL: the purchase's StartsOn and EndsOn are recomputed below from all its periods, and the version check guards
        // only the periods edited. Two edits of different periods at once would each read the other's period as it was and
        // write a stale MIN/MAX; the named lock makes the second wait until the first committed, then read what it wrote.
        await tx.LockAsync(LockNames.Purchase(request.PurchaseId), ct);
        var (result, periods) = await CheckAsync(db, request, DateWindow.For(clock), ct);
        if (!result.Succeeded) return result;

        var now = clock.GetUtcNow().UtcDateTime;
        var note = CleanText.Note(request.Note, out _) is { Length: > 0 } cleaned ? cleaned : null; // Preview refused a note this cannot clean
        // Writes exactly what the preview says: the figures come from Preview, not from a second copy of its maths.
        foreach (var (period, after) in periods.Zip(result.Value!))
        {
            if (after.MaxAfter != period.MaxCredits)
            {
                var amount = after.MaxAfter!.Value - period.MaxCredits!.Value;
                period.MaxCredits = after.MaxAfter;
                db.Ledger.Add(Row(period, amount > 0 ? LedgerKind.Add : LedgerKind.Deduct, amount, user, now, note));
            }
            if (after.StartsOn != period.StartsOn || after.EndsOn != period.EndsOn)
            {
                var was = $"{period.StartsOn:d MMM yyyy} – {period.EndsOn:d MMM yyyy}";
                period.StartsOn = after.StartsOn;
                period.EndsOn = after.EndsOn;
                db.Ledger.Add(Row(period, LedgerKind.Validity, 0, user, now, $"Validity was {was}" + (note is null ? "" : $". {note}")));
            }
            period.Version = Guid.NewGuid();
        }
        var purchase = await db.Purchases.FirstAsync(p => p.Id == request.PurchaseId, ct);
        // Tracked entities, not a projection: a projection reads the dates as saved, before the edit above.
        var all = await db.CreditPeriods.Where(p => p.PurchaseId == purchase.Id).ToListAsync(ct);
        purchase.StartsOn = all.Min(p => p.StartsOn);
        purchase.EndsOn = all.Max(p => p.EndsOn);
        if (request.NotifyClient) await QueueNoticeAsync(db, purchase, periods, result.Message!, note, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ServiceResult.Failure<IReadOnlyList<AdjustmentPreview>>(ServiceResult.Conflict(ChangedBySomeoneElse));
        }
        await tx.CommitAsync(ct);
        if (request.NotifyClient) outbox.Poke();
        await feed.PublishPeriodsAsync(db, periods.Select(p => p.Id), CancellationToken.None); // committed: tell listeners even if the caller gave up
        return result;
    }

    /// <summary>Checks the request against the stored periods without saving; the dialog's preview.</summary>
    public async Task<ServiceResult<IReadOnlyList<AdjustmentPreview>>> PreviewAsync(CreditAdjustment request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await CheckAsync(db, request, DateWindow.For(clock), ct)).Result;
    }

    private static async Task<(ServiceResult<IReadOnlyList<AdjustmentPreview>> Result, List<CreditPeriod> Periods)> CheckAsync(
        CoreDbContext db, CreditAdjustment request, DateWindow window, CancellationToken ct)
    {
        static (ServiceResult<IReadOnlyList<AdjustmentPreview>>, List<CreditPeriod>) Fail(ServiceResult r) => (ServiceResult.Failure<IReadOnlyList<AdjustmentPreview>>(r), []);

        var ids = request.Periods.Select(p => p.PeriodId).Distinct().ToList();
        if (ids.Count == 0) return Fail(ServiceResult.Invalid("Periods", "Choose at least one period."));
        var periods = await db.CreditPeriods.Where(p => p.PurchaseId == request.PurchaseId && ids.Contains(p.Id)).OrderBy(p => p.StartsOn).ToListAsync(ct);
        if (periods.Count != ids.Count) return Fail(ServiceResult.NotFound("That purchase or period does not exist."));
        if (request.Periods.Any(v => periods.First(p => p.Id == v.PeriodId).Version != v.Version))
            return Fail(ServiceResult.Conflict(ChangedBySomeoneElse));

        var overlaps = request is { EditValidity: true, StartsOn: { } starts, EndsOn: { } ends } && periods.Count == 1 && starts <= ends
            && await db.CreditPeriods.AnyAsync(p => p.PurchaseId == request.PurchaseId && p.Id != periods[0].Id && p.StartsOn <= ends && starts <= p.EndsOn, ct);
        var figures = periods.Select(p => new PeriodFigures(p.Id, p.StartsOn, p.EndsOn, p.UsedCredits, p.MaxCredits)).ToList();
        var result = Preview(request, figures, window, overlaps);
        return (result, result.Succeeded ? periods : []);
    }

    /// <summary>
    /// What the request does to these periods, in their order, or why it is refused: the one place the adjustment's rules
    /// and maths live. The dialog calls it as the person types; the save calls it on the periods it has locked and writes
    /// what it returns. Whether new dates overlap another period needs the database, so the caller says; new dates must lie
    /// inside the studio's <paramref name="window"/>.
    /// </summary>
    public static ServiceResult<IReadOnlyList<AdjustmentPreview>> Preview(CreditAdjustment request, IReadOnlyList<PeriodFigures> periods, DateWindow window,
        bool overlapsAnother = false)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Enum.IsDefined(request.Action)) errors["Action"] = ["Choose to add or deduct credits."];
        var limited = periods.Where(p => p.Max is not null).ToList();
        var changesCredits = request.Amount is not null || !request.EditValidity;
        if (changesCredits && limited.Count == 0)
            errors["Amount"] = ["This period has unlimited credits (∞): credits cannot be added or deducted. You can still edit its validity."];
        else if (changesCredits && request.Amount is not { } amount)
            errors["Amount"] = ["Enter the number of credits."];
        else if (changesCredits && request.Amount is < 1 or > MaxAmount)
            errors["Amount"] = [$"Enter a whole number of credits from 1 to {MaxAmount}."];
        else if (request.Action == CreditAction.DeductCredits && request.Amount is { } deduct
                 && limited.FirstOrDefault(p => p.Max - deduct < p.Used) is { } tooFar)
            errors["Amount"] = [$"At most {tooFar.Max - tooFar.Used} credits can be deducted from {tooFar.StartsOn:d MMM yyyy} – {tooFar.EndsOn:d MMM yyyy}: {tooFar.Used} of {tooFar.Max} are already used."];

        if (request.EditValidity)
        {
            if (periods.Count > 1) errors["EditValidity"] = ["Validity is edited one period at a time."];
            else if (request.StartsOn is null) errors["StartsOn"] = ["Choose a start date."];
            else if (request.EndsOn is null) errors["EndsOn"] = ["Choose an end date."];
            else if (window.Refusal(request.StartsOn, "Start Date") is { } startRefused) errors["StartsOn"] = [startRefused];
            else if (window.Refusal(request.EndsOn, "End Date") is { } endRefused) errors["EndsOn"] = [endRefused];
            else if (request.EndsOn < request.StartsOn) errors["EndsOn"] = ["End Date must be on or after Start Date."];
            else if (overlapsAnother) errors["StartsOn"] = ["These dates overlap another period of this purchase."];
        }
        if (request.Note?.Length > MaxNoteLength) errors["Note"] = [$"Keep the note under {MaxNoteLength} characters."];
        else if (CleanText.Note(request.Note, out var noteError) is null) errors["Note"] = [noteError!];
        if (errors.Count > 0) return ServiceResult.Failure<IReadOnlyList<AdjustmentPreview>>(ServiceResult.Invalid(errors));

        var preview = periods.Select(p => new AdjustmentPreview(p.PeriodId,
            request.EditValidity ? request.StartsOn!.Value : p.StartsOn, request.EditValidity ? request.EndsOn!.Value : p.EndsOn,
            p.Used, p.Max, p.Max + Signed(request))).ToList();
        return ServiceResult.Success<IReadOnlyList<AdjustmentPreview>>(preview, Describe(request, periods.Count));
    }

    /// <summary>The "Notify client" email, queued in the outbox in the same transaction (off by default: changes stay silent).</summary>
    private static async Task QueueNoticeAsync(CoreDbContext db, Purchase purchase, List<CreditPeriod> periods, string what, string? note, DateTime now, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == purchase.OwnerClientId).Select(c => new { c.FirstName, c.LastName, c.Email }).SingleAsync(ct);
        var lines = periods.Select(p => $"{p.StartsOn:d MMM yyyy} – {p.EndsOn:d MMM yyyy}: {p.UsedCredits} used of {(p.MaxCredits is { } max ? max.ToString(CultureInfo.InvariantCulture) : "unlimited")}");
        db.Outbox.Add(new OutboxMessage
        {
            Channel = OutboxChannel.Email, ClientId = purchase.OwnerClientId, Recipient = client.Email,
            Subject = $"Your {purchase.Name} credits were updated",
            Body = $"Hi {client.FirstName}, {what.ToLowerInvariant()} on your {purchase.Name}.\n{string.Join("\n", lines)}" + (note is null ? "" : $"\nNote from the studio: {note}"),
            CreatedAtUtc = now, NextAttemptAtUtc = now,
        });
    }

    private static int Signed(CreditAdjustment r) => (r.Amount ?? 0) * (r.Action == CreditAction.DeductCredits ? -1 : 1);

    private static string Describe(CreditAdjustment r, int periods)
    {
        var what = r.Amount is { } n ? $"{(r.Action == CreditAction.AddCredits ? "Added" : "Deducted")} {n.ToString(CultureInfo.InvariantCulture)} credit{(n == 1 ? "" : "s")}" : "Validity updated";
        return periods == 1 ? what : $"{what} on {periods} periods";
    }

    private static CreditLedgerEntry Row(CreditPeriod p, LedgerKind kind, int amount, ClaimsPrincipal user, DateTime now, string? note) => new()
    {
        PurchaseId = p.PurchaseId, PeriodId = p.Id, Kind = kind, Amount = amount, MaxAfter = p.MaxCredits, UsedAfter = p.UsedCredits,
        StartsOnAfter = p.StartsOn, EndsOnAfter = p.EndsOn, Actor = user.ActorName(), AtUtc = now, Note = note,
    };
}
