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
        CreditReadService credits, CreditHistoryService history, CancellationToken ct)
    {
        if (await credits.PurchaseAsync(purchaseId, ct) is null) return ServiceResult.NotFound("That package or membership no longer exists.").Problem();
        var csv = await history.ExportCsvAsync(purchaseId, new CreditHistoryFilter(text, kind), ct);
        return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv", $"credit-history-{purchaseId}.csv");
    }
}
