using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Memberships;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Api;

/// <summary>Update Credits over HTTP: the periods with the versions the caller read, as the dialog sends them.</summary>
public sealed record AdjustmentRequest(CreditAction Action, int? Amount, IReadOnlyList<PeriodVersion> Periods,
    bool EditValidity = false, DateOnly? StartsOn = null, DateOnly? EndsOn = null, string? Note = null, bool NotifyClient = false);

/// <summary>Credit adjustments, cancellation, credit history and visits of one purchase.</summary>
public static class PurchasesApi
{
    public static void MapPurchasesApi(this RouteGroupBuilder api)
    {
        var purchases = api.MapGroup("/purchases/{purchaseId:int}").WithTags("Purchases");
        purchases.MapPost("/adjustments", AdjustAsync).RequireAuthorization(Policies.Staff);
        purchases.MapPost("/cancel", CancelAsync).RequireAuthorization(Policies.Staff);
        purchases.MapGet("/credit-history", CreditHistoryAsync).RequireAuthorization(Policies.StudioTeam);
        purchases.MapGet("/visits", VisitsAsync).RequireAuthorization(Policies.StudioTeam);
    }

    private static async Task<Results<Ok<IReadOnlyList<AdjustmentPreview>>, ServiceProblem>> AdjustAsync(int purchaseId, AdjustmentRequest body, ClaimsPrincipal user,
        CreditAdjustmentService adjustments, CancellationToken ct) =>
        (await adjustments.SaveAsync(user, new CreditAdjustment(purchaseId, body.Periods ?? [], body.Action, body.Amount,
            body.EditValidity, body.StartsOn, body.EndsOn, body.Note, body.NotifyClient), ct)).ToHttp();

    /// <summary>
    /// Cancels the purchase: now, or (a membership) at the end of the current period. Every period that ends after the last usable
    /// day is forfeited (a Forfeited ledger row) and closed there, the chosen bookings are moved or cancelled first, and the shares
    /// end (each authorized client is told). With preview=true the plan is computed the same way and returned without writing;
    /// without it the answer is the plan written. 400 names the fields (effective, reason, bookings); 409 when already cancelled.
    /// </summary>
    private static async Task<Results<Ok<CancellationPlan>, ServiceProblem>> CancelAsync(int purchaseId, CancellationRequest body, ClaimsPrincipal user,
        CancellationService cancellations, CancellationToken ct, [Description("true: return what the cancellation would write, without writing it")] bool preview = false)
    {
        return (preview ? await cancellations.PreviewAsync(user, purchaseId, body, ct) : await cancellations.CancelAsync(user, purchaseId, body, ct)).ToHttp();
    }

    private static async Task<Results<Ok<IReadOnlyList<CreditHistoryRow>>, ServiceProblem>> CreditHistoryAsync(int purchaseId, string? text, LedgerKind? kind,
        ClaimsPrincipal user, CreditHistoryService history, CancellationToken ct) =>
        (await history.ForPurchaseAsync(user, purchaseId, new CreditHistoryFilter(text, kind), ct: ct)).ToHttp();

    /// <summary>One page of the purchase's visits, newest session first, with who used each credit.</summary>
    private static async Task<Results<Ok<VisitPage>, ValidationProblem, ServiceProblem>> VisitsAsync(int purchaseId, ClaimsPrincipal user,
        VisitHistoryService visits, CancellationToken ct,
        [Description(Paging.PageDescription), Range(1, int.MaxValue)] int page = 1,
        [Description(Paging.PageSizeDescription), Range(1, VisitHistoryService.MaxPageSize)] int pageSize = Paging.DefaultPageSize)
    {
        if (Paging.Refusal(page, pageSize, VisitHistoryService.MaxPageSize) is { } refused) return refused;
        var result = await visits.VisitsAsync(user, purchaseId, page - 1, pageSize, ct);
        return result.Succeeded ? TypedResults.Ok(result.Value!) : result.Problem();
    }
}
