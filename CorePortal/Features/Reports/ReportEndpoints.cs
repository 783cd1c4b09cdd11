using System.Security.Claims;
using System.Text;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;

namespace CorePortal.Features.Reports;

public static class ReportEndpoints
{
    /// <summary>The CSV downloads behind each report table's Export link; the query string carries the page's filters.</summary>
    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/exports/reports").RequireAuthorization(Policies.Manager);
        exports.MapGet("/liability.csv", async (DateOnly day, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
            File(await csv.LiabilityAsync(user, day, ct), $"liability-{day:yyyy-MM-dd}.csv"));
        exports.MapGet("/unlimited.csv", async (DateOnly day, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
            File(await csv.UnlimitedAsync(user, day, ct), $"unlimited-{day:yyyy-MM-dd}.csv"));
        exports.MapGet("/usage.csv", async (DateOnly from, DateOnly to, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
            File(await csv.UsageAsync(user, new ReportRange(from, to), ct), $"usage-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv"));
        exports.MapGet("/adjustments.csv", async (DateOnly from, DateOnly to, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
            File(await csv.AdjustmentsAsync(user, new ReportRange(from, to), ct), $"adjustments-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv"));
        exports.MapGet("/sharing.csv", async (DateOnly from, DateOnly to, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
            File(await csv.SharingAsync(user, new ReportRange(from, to), ct), $"sharing-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv"));
    }

    private static IResult File(ServiceResult<string> csv, string name) => csv.ToHttp(text => Results.File(Encoding.UTF8.GetBytes(text), "text/csv", name));
}
