using System.Globalization;
using System.Security.Claims;
using CorePortal.Features.Common;

namespace CorePortal.Features.Reports;

/// <summary>Each report table as CSV, with the same rows and columns the page shows for the same filters.</summary>
public sealed class ReportCsv(ReportsService reports)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Money(long cents) => (cents / 100m).ToString("0.00", Inv);

    public async Task<string> LiabilityAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default) =>
        CsvExport.Write(["Location", "Item", "Purchases", "Credits remaining", "Value"],
            (await reports.LiabilityAsync(user, day, ct)).Select(r => new[]
            {
                r.Location, r.Item, r.Purchases.ToString(Inv), r.Remaining.ToString(Inv), Money(r.ValueCents),
            }));

    public async Task<string> UnlimitedAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default) =>
        CsvExport.Write(["Purchase", "Owner", "Location", "Item", "Ends", "Days left"],
            (await reports.UnlimitedAsync(user, day, ct)).Select(r => new[]
            {
                r.PurchaseId.ToString(Inv), r.Owner, r.Location, r.Item, r.EndsOn.ToString("yyyy-MM-dd", Inv), r.DaysLeft.ToString(Inv),
            }));

    public async Task<string> UsageAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default) =>
        CsvExport.Write(["Week of", "Granted", "Used", "Refunded", "Adjusted", "Expired"],
            (await reports.UsageAsync(user, range, ct)).Select(w => new[]
            {
                w.Week.ToString("yyyy-MM-dd", Inv), w.Granted.ToString(Inv), w.Used.ToString(Inv), w.Refunded.ToString(Inv),
                w.Adjusted.ToString(Inv), w.Expired.ToString(Inv),
            }));

    public async Task<string> AdjustmentsAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default) =>
        CsvExport.Write(["Staff member", "When (UTC)", "Action", "Amount", "Client", "Item", "Note"],
            (await reports.AdjustmentRowsAsync(user, range, ct)).Select(r => new[]
            {
                r.Actor, r.AtUtc.ToString("yyyy-MM-dd HH:mm", Inv), r.Action, r.Amount.ToString(Inv), r.Owner, r.Item, r.Note,
            }));

    public async Task<string> SharingAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default)
    {
        var s = await reports.SharingAsync(user, range, ct);
        return CsvExport.Write(["Figure", "Value"],
        [
            ["Shared purchases", s.SharedPurchases.ToString(Inv)],
            ["Authorized clients", s.AuthorizedClients.ToString(Inv)],
            ["Visits", s.Visits.ToString(Inv)],
            ["Visits booked by someone other than the owner", s.VisitsByOthers.ToString(Inv)],
            ["Share of visits by others", s.OthersShare.ToString("P1", Inv)],
            ["Invitations pending", s.PendingInvitations.ToString(Inv)],
            ["Invitations declined", s.DeclinedInvitations.ToString(Inv)],
        ]);
    }
}
