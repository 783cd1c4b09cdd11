using System.Security.Claims;
using System.Text;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;

namespace CorePortal.Features.Credits;

public static class CreditEndpoints
{
    /// <summary>The credit history CSV download behind the Export button (a plain link, so the browser saves it).</summary>
    public static void MapCreditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/exports/purchases/{purchaseId:int}/credit-history.csv",
            async (int purchaseId, string? text, LedgerKind? kind, ClaimsPrincipal user, CreditHistoryService history, CancellationToken ct) =>
                (await history.ExportCsvAsync(user, purchaseId, new CreditHistoryFilter(text, kind), ct))
                    .ToHttp(csv => Results.File(Encoding.UTF8.GetBytes(csv), "text/csv", $"credit-history-{purchaseId}.csv")))
            .RequireAuthorization(Policies.StudioTeam);
    }
}
