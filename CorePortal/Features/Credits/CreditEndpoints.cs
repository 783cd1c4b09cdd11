using System.Text;
using CorePortal.Data;
using CorePortal.Features.Auth;

namespace CorePortal.Features.Credits;

public static class CreditEndpoints
{
    /// <summary>The credit history CSV download behind the Export button (a plain link, so the browser saves it).</summary>
    public static void MapCreditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/exports/purchases/{purchaseId:int}/credit-history.csv",
            async (int purchaseId, string? text, LedgerKind? kind, CreditHistoryService history, CancellationToken ct) =>
            {
                var csv = await history.ExportCsvAsync(purchaseId, new CreditHistoryFilter(text, kind), ct);
                return Results.File(Encoding.UTF8.GetBytes(csv), "text/csv", $"credit-history-{purchaseId}.csv");
            })
            .RequireAuthorization(Policies.StudioTeam);
    }
}
