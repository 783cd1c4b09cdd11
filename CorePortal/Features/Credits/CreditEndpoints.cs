using System.Security.Claims;
using System.Text;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Credits;

public static class CreditEndpoints
{
    /// <summary>The credit history CSV download behind the Export button (a plain link, so the browser saves it).</summary>
    public static void MapCreditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/exports/purchases/{purchaseId:int}/credit-history.csv", ExportAsync)
            .RequireAuthorization(Policies.StudioTeam).ProducesCsv();

    private static async Task<Results<FileContentHttpResult, ServiceProblem>> ExportAsync(int purchaseId, string? text, LedgerKind? kind,
        ClaimsPrincipal user, CreditHistoryService history, CancellationToken ct)
    {
        var csv = await history.ExportCsvAsync(user, purchaseId, new CreditHistoryFilter(text, kind), ct);
        if (!csv.Succeeded) return csv.Problem();
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.Value!), "text/csv", $"credit-history-{purchaseId}.csv");
    }
}
