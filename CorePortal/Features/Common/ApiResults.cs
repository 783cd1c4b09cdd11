using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Common;

/// <summary>What a write answers when it has nothing more to return than the service's message.</summary>
public sealed record ApiMessage(string? Message);

/// <summary>
/// The one mapping from a service's outcome to HTTP: values as JSON, failures as RFC 9457 problem details. Handlers
/// return typed results (<c>Results&lt;Ok&lt;T&gt;, ServiceProblem&gt;</c>), so the OpenAPI document lists every answer.
/// </summary>
public static class ApiResults
{
    public const string ProblemJson = "application/problem+json";

    public static Results<Ok<ApiMessage>, ServiceProblem> ToHttp(this ServiceResult result) =>
        result.Succeeded ? TypedResults.Ok(new ApiMessage(result.Message)) : result.Problem();

    public static Results<Ok<T>, ServiceProblem> ToHttp<T>(this ServiceResult<T> result) =>
        result.Succeeded ? TypedResults.Ok(result.Value!) : result.Problem();

    /// <summary>A failed result as problem details: 400 with the errors per field, 403, 404, 409 or 429.</summary>
    public static ServiceProblem Problem(this ServiceResult result) => new(result.Outcome switch
    {
        Outcome.Invalid => TypedResults.Problem(new HttpValidationProblemDetails(result.Errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Detail = result.Message, Status = StatusCodes.Status400BadRequest,
        }),
        Outcome.Forbidden => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status403Forbidden),
        Outcome.NotFound => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status404NotFound),
        Outcome.Conflict => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status409Conflict),
        // Declared per endpoint (ProducesProblems), since few use cases have a limit.
        Outcome.TooManyRequests => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status429TooManyRequests),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "A success is not a problem."),
    });

    /// <summary>
    /// Declares the refusals of authorization: 401 without a valid sign-in, 403 for a role without the policy
    /// (<see cref="Api.ApiSetup.UseApiProblemDetails"/> gives both a problem details body).
    /// </summary>
    public static TBuilder ProducesAuthProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

    /// <summary>Declares answers the handler's return type cannot name, such as refusals from middleware or binding.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. statuses.Select(status => new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ProblemJson]))]);

    /// <summary>Declares a CSV download, and the status page a role without the policy gets instead (a browser without a sign-in is redirected).</summary>
    public static TBuilder ProducesCsv<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/csv"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(string), ["text/html"]));
}

/// <summary>
/// A service's refusal as problem details (application/problem+json), written as <see cref="ProblemHttpResult"/>
/// writes it. Declares 400 (errors keyed by field), 403, 404 and 409 in the OpenAPI document: any use case may answer
/// any of them, and a handler cannot know which its service will.
/// </summary>
public sealed class ServiceProblem : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IEndpointMetadataProvider
{
    private readonly ProblemHttpResult _problem;

    internal ServiceProblem(ProblemHttpResult problem) => _problem = problem;

    public int? StatusCode => _problem.StatusCode;
    public ProblemDetails Value => _problem.ProblemDetails;
    object? IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), [ApiResults.ProblemJson]));
        foreach (var status in (int[])[StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ApiResults.ProblemJson]));
    }
}
