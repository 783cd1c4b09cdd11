using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;

namespace CorePortal.Features.Api;

/// <summary>Update Credits over HTTP: the periods with the versions the caller read, as the dialog sends them.</summary>
public sealed record AdjustmentRequest(CreditAction Action, int? Amount, IReadOnlyList<PeriodVersion> Periods,
    bool EditValidity = false, DateOnly? StartsOn = null, DateOnly? EndsOn = null, string? Note = null, bool NotifyClient = false);

/// <summary>Credit adjustments, credit history and visits of one purchase.</summary>
public static class PurchasesApi
{
    public static void MapPurchasesApi(this RouteGroupBuilder api)
    {
        var purchases = api.MapGroup("/purchases/{purchaseId:int}").WithTags("Purchases");

        purchases.MapPost("/adjustments", async (int purchaseId, AdjustmentRequest body, ClaimsPrincipal user, CreditAdjustmentService adjustments, CancellationToken ct) =>
                (await adjustments.SaveAsync(user, new CreditAdjustment(purchaseId, body.Periods ?? [], body.Action, body.Amount,
                    body.EditValidity, body.StartsOn, body.EndsOn, body.Note, body.NotifyClient), ct)).ToHttp())
            .RequireAuthorization(Policies.Staff);

        purchases.MapGet("/credit-history", async (int purchaseId, string? text, LedgerKind? kind, ClaimsPrincipal user, CreditHistoryService history, CancellationToken ct) =>
                (await history.ForPurchaseAsync(user, purchaseId, new CreditHistoryFilter(text, kind), ct: ct)).ToHttp())
            .RequireAuthorization(Policies.StudioTeam);

        purchases.MapGet("/visits", async (int purchaseId, int? page, int? pageSize, ClaimsPrincipal user, VisitHistoryService visits, CancellationToken ct) =>
                (await visits.VisitsAsync(user, purchaseId, page ?? 0, pageSize ?? 25, ct)).ToHttp())
            .RequireAuthorization(Policies.StudioTeam);
    }
}
