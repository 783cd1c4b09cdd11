using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

/// <summary>One ledger row as staff read it: Max before → after for changes to Max, Used after for uses.</summary>
public sealed record CreditHistoryRow(long Id, DateTime AtUtc, string Actor, string Action, int Amount, int? MaxBefore, int? MaxAfter,
    int UsedAfter, DateOnly? StartsOn, DateOnly? EndsOn, string? Note);

public sealed record CreditHistoryFilter(string? Text = null, LedgerKind? Kind = null);

/// <summary>The credit history of a purchase: every ledger row, newest first, filterable, exportable.</summary>
public sealed class CreditHistoryService(IDbContextFactory<CoreDbContext> dbFactory)
{
    public static string ActionName(LedgerKind kind) => kind switch
    {
        LedgerKind.Grant => "Granted at sale",
        LedgerKind.Add => "Add Credits",
        LedgerKind.Deduct => "Deduct Credits",
        LedgerKind.BookingUse => "Used by booking",
        LedgerKind.CancellationRefund => "Refunded on cancel",
        LedgerKind.Validity => "Edit Credit Validity",
        LedgerKind.Renewed => "Renewed",
        LedgerKind.Forfeited => "Forfeited",
        LedgerKind.Expired => "Expired",
        LedgerKind.RolledOver => "Rolled over",
        LedgerKind.RolledIn => "Rolled in",
        LedgerKind.Frozen => "Frozen",
        LedgerKind.Unfrozen => "Unfrozen",
        _ => kind.ToString(),
    };

    /// <summary>The purchase's ledger rows, newest first: for whoever may read the purchase.</summary>
    public async Task<ServiceResult<IReadOnlyList<CreditHistoryRow>>> ForPurchaseAsync(ClaimsPrincipal user, int purchaseId, CreditHistoryFilter? filter = null,
        int limit = 500, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Purchases.AnyAsync(p => p.Id == purchaseId, ct))
            return ServiceResult.Failure<IReadOnlyList<CreditHistoryRow>>(ServiceResult.NotFound("That package or membership no longer exists."));
        if (!await Access.CanReadPurchaseAsync(db, user, purchaseId, ct)) return ServiceResult.Failure<IReadOnlyList<CreditHistoryRow>>(ServiceResult.Forbidden());
        if (filter?.Kind is { } asked && !Enum.IsDefined(asked))
            return ServiceResult.Failure<IReadOnlyList<CreditHistoryRow>>(ServiceResult.Invalid("kind", "Choose one of the kinds of change the history lists."));
        var rows = db.Ledger.AsNoTracking().Where(l => l.PurchaseId == purchaseId);
        if (filter?.Kind is { } kind) rows = rows.Where(l => l.Kind == kind);
        if (!string.IsNullOrWhiteSpace(filter?.Text))
        {
            var text = filter.Text.Trim();
            rows = rows.Where(l => EF.Functions.Like(l.Actor, $"%{text}%") || (l.Note != null && EF.Functions.Like(l.Note, $"%{text}%")));
        }
        var list = await rows.OrderByDescending(l => l.Id).Take(limit)
            .Select(l => new { l.Id, l.AtUtc, l.Actor, l.Kind, l.Amount, l.MaxAfter, l.UsedAfter, l.StartsOnAfter, l.EndsOnAfter, l.Note })
            .ToListAsync(ct);
        return ServiceResult.Success<IReadOnlyList<CreditHistoryRow>>(list.Select(l => new CreditHistoryRow(l.Id, DateTime.SpecifyKind(l.AtUtc, DateTimeKind.Utc), l.Actor, ActionName(l.Kind), l.Amount,
                ChangesMax(l.Kind) ? l.MaxAfter - l.Amount : l.MaxAfter, l.MaxAfter, l.UsedAfter, l.StartsOnAfter, l.EndsOnAfter, l.Note))
            .ToList());
    }

    /// <summary>The same rows as CSV, for the Export button.</summary>
    public async Task<ServiceResult<string>> ExportCsvAsync(ClaimsPrincipal user, int purchaseId, CreditHistoryFilter? filter, CancellationToken ct = default)
    {
        var read = await ForPurchaseAsync(user, purchaseId, filter, int.MaxValue, ct);
        if (read.Value is not { } rows) return ServiceResult.Failure<string>(read);
        var inv = CultureInfo.InvariantCulture;
        return ServiceResult.Success(CsvExport.Write(
            ["When (UTC)", "Who", "Action", "Amount", "Max before", "Max after", "Used", "Start Date", "End Date", "Note"],
            rows.Select(r => new CsvCell[]
            {
                r.AtUtc.ToString("yyyy-MM-dd HH:mm:ss", inv), r.Actor, r.Action, r.Amount,
                Max(r.MaxBefore, r.MaxAfter), Max(r.MaxAfter, r.MaxAfter), r.UsedAfter,
                r.StartsOn?.ToString("yyyy-MM-dd", inv), r.EndsOn?.ToString("yyyy-MM-dd", inv), r.Note,
            })));
    }

    private static CsvCell Max(int? value, int? after) => value is { } v ? v : after is null ? "∞" : "";

    private static bool ChangesMax(LedgerKind kind) => LedgerKinds.ChangesMax(kind);
}
