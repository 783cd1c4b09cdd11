using System.Globalization;
using System.Security.Claims;
using CorePortal.Features.Common;

namespace CorePortal.Features.Reports;

/// <summary>Each report table as CSV, with the same rows and columns the page shows for the same filters.</summary>
public sealed class ReportCsv(ReportsService reports)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Money(long cents) => (cents / 100m).ToString("0.00", Inv);

    private static CsvCell MoneyCell(long cents) => CsvCell.Number(cents / 100m, "0.00");

    public async Task<ServiceResult<string>> LiabilityAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default) =>
        Csv(await reports.LiabilityAsync(user, day, ct), rows => CsvExport.Write(["Location", "Item", "Purchases", "Credits remaining", "Value",
            "Of which rolled", "Frozen purchases", "Frozen credits", "Frozen value"],
            rows.Select(r => new CsvCell[]
            {
                r.Location, r.Item, r.Purchases, r.Remaining, MoneyCell(r.ValueCents),
                r.RolledRemaining, r.FrozenPurchases, r.FrozenRemaining, MoneyCell(r.FrozenValueCents),
            })));

    public async Task<ServiceResult<string>> UnlimitedAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default) =>
        Csv(await reports.UnlimitedAsync(user, day, ct), rows => CsvExport.Write(["Purchase", "Owner", "Location", "Item", "Ends", "Days left"],
            rows.Select(r => new CsvCell[]
            {
                r.PurchaseId, r.Owner, r.Location, r.Item, r.EndsOn.ToString("yyyy-MM-dd", Inv), r.DaysLeft,
            })));

    public async Task<ServiceResult<string>> UsageAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default) =>
        Csv(await reports.UsageAsync(user, range, ct), rows => CsvExport.Write(["Week of", "Granted", "Used", "Refunded", "Adjusted", "Expired", "Forfeited"],
            rows.Select(w => new CsvCell[]
            {
                w.Week.ToString("yyyy-MM-dd", Inv), w.Granted, w.Used, w.Refunded, w.Adjusted, w.Expired, w.Forfeited,
            })));

    public async Task<ServiceResult<string>> AdjustmentsAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default) =>
        Csv(await reports.AdjustmentRowsAsync(user, range, ct), rows => CsvExport.Write(["Staff member", "When (UTC)", "Action", "Amount", "Client", "Item", "Note"],
            rows.Select(r => new CsvCell[]
            {
                r.Actor, r.AtUtc.ToString("yyyy-MM-dd HH:mm", Inv), r.Action, r.Amount, r.Owner, r.Item, r.Note,
            })));

    public async Task<ServiceResult<string>> SharingAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default)
    {
        var read = await reports.SharingAsync(user, range, ct);
        if (read.Value is not { } s) return ServiceResult.Failure<string>(read);
        return ServiceResult.Success(CsvExport.Write(["Figure", "Value"],
        [
            ["Shared purchases", s.SharedPurchases],
            ["Authorized clients", s.AuthorizedClients],
            ["Visits", s.Visits],
            ["Visits booked by someone other than the owner", s.VisitsByOthers],
            ["Share of visits by others", s.OthersShare.ToString("P1", Inv)],
            ["Invitations pending", s.PendingInvitations],
            ["Invitations declined", s.DeclinedInvitations],
        ]));
    }

    // The refusal of the report, or its rows written out.
    private static ServiceResult<string> Csv<T>(ServiceResult<T> read, Func<T, string> write) =>
        read.Value is { } rows ? ServiceResult.Success(write(rows)) : ServiceResult.Failure<string>(read);
}
