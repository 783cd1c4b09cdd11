using System.Security.Claims;
using System.Text;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Reports;

public static class ReportEndpoints
{
    /// <summary>The CSV downloads behind each report table's Export link; the query string carries the page's filters.</summary>
    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        // A missing or malformed date is a 400.
        var exports = app.MapGroup("/exports/reports").RequireAuthorization(Policies.Manager).ProducesCsv()
            .ProducesProblems(StatusCodes.Status400BadRequest);
        exports.MapGet("/liability.csv", LiabilityAsync);
        exports.MapGet("/unlimited.csv", UnlimitedAsync);
        exports.MapGet("/usage.csv", UsageAsync);
        exports.MapGet("/adjustments.csv", AdjustmentsAsync);
        exports.MapGet("/sharing.csv", SharingAsync);
    }

    private static async Task<Results<FileContentHttpResult, ServiceProblem>> LiabilityAsync(DateOnly day, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
        File(await csv.LiabilityAsync(user, day, ct), $"liability-{day:yyyy-MM-dd}.csv");

    private static async Task<Results<FileContentHttpResult, ServiceProblem>> UnlimitedAsync(DateOnly day, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
        File(await csv.UnlimitedAsync(user, day, ct), $"unlimited-{day:yyyy-MM-dd}.csv");

    private static async Task<Results<FileContentHttpResult, ServiceProblem>> UsageAsync(DateOnly from, DateOnly to, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
        File(await csv.UsageAsync(user, new ReportRange(from, to), ct), $"usage-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv");

    private static async Task<Results<FileContentHttpResult, ServiceProblem>> AdjustmentsAsync(DateOnly from, DateOnly to, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
        File(await csv.AdjustmentsAsync(user, new ReportRange(from, to), ct), $"adjustments-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv");

    private static async Task<Results<FileContentHttpResult, ServiceProblem>> SharingAsync(DateOnly from, DateOnly to, ClaimsPrincipal user, ReportCsv csv, CancellationToken ct) =>
        File(await csv.SharingAsync(user, new ReportRange(from, to), ct), $"sharing-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv");

    private static Results<FileContentHttpResult, ServiceProblem> File(ServiceResult<string> csv, string name) =>
        csv.Succeeded ? TypedResults.File(Encoding.UTF8.GetBytes(csv.Value!), "text/csv", name) : csv.Problem();
}
