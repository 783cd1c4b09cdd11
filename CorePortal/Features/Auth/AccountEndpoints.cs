using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Features.Auth;

public static class AccountEndpoints
{
    public const string AntiforgeryField = "RequestVerificationToken";

    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<StaffUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("~/login");
        });

        // Disabling and enabling staff logins; the Staff page calls the same service over its circuit. Neither binds a form, so
        // the framework would not check antiforgery by itself: the filter does, or any site a signed-in manager visits could post here.
        var staff = app.MapGroup("/account").RequireAuthorization(Policies.Manager).AddEndpointFilter(RequireAntiforgeryAsync)
            .WithTags("Staff logins").ProducesAuthProblems();
        staff.MapPost("/disable/{userId}", DisableAsync);
        staff.MapPost("/enable/{userId}", EnableAsync);
    }

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> DisableAsync(string userId, ClaimsPrincipal user, StaffAccountService accounts, CancellationToken ct) =>
        (await accounts.DisableAsync(user, userId, ct)).ToHttp();

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> EnableAsync(string userId, ClaimsPrincipal user, StaffAccountService accounts, CancellationToken ct) =>
        (await accounts.EnableAsync(user, userId, ct)).ToHttp();

    /// <summary>
    /// Refuses a cookie-signed-in POST without a valid antiforgery token (form field __RequestVerificationToken or header
    /// RequestVerificationToken), with 400 problem details. A request with a bearer token needs none: a browser never
    /// sends one by itself, so another site cannot ride it.
    /// </summary>
    private static async ValueTask<object?> RequireAntiforgeryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!AuthSetup.CarriesBearerToken(http.Request) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            return ServiceResult.Invalid(AntiforgeryField, "This request did not come from a portal page: its antiforgery token is missing or not valid. Reload the page and try again.").Problem();
        return await next(context);
    }
}
