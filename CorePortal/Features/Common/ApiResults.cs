namespace CorePortal.Features.Common;

/// <summary>The one mapping from a service's outcome to HTTP: values as JSON, failures as RFC 9457 problem details.</summary>
public static class ApiResults
{
    public static IResult ToHttp(this ServiceResult result) =>
        result.Succeeded ? Results.Ok(new { result.Message }) : Problem(result);

    public static IResult ToHttp<T>(this ServiceResult<T> result, Func<T, IResult>? onSuccess = null) =>
        result.Succeeded ? (onSuccess ?? (v => Results.Ok(v)))(result.Value!) : Problem(result);

    /// <summary>As <see cref="ToHttp{T}"/>, for an answer that reads something more, such as the saved record.</summary>
    public static async Task<IResult> ToHttpAsync<T>(this ServiceResult<T> result, Func<T, Task<IResult>> onSuccess) =>
        result.Succeeded ? await onSuccess(result.Value!) : Problem(result);

    public static IResult Problem(ServiceResult result) => result.Outcome switch
    {
        Outcome.Invalid => Results.ValidationProblem(result.Errors.ToDictionary(e => e.Key, e => e.Value), result.Message),
        Outcome.Forbidden => Results.Problem(result.Message, statusCode: StatusCodes.Status403Forbidden),
        Outcome.NotFound => Results.Problem(result.Message, statusCode: StatusCodes.Status404NotFound),
        Outcome.Conflict => Results.Problem(result.Message, statusCode: StatusCodes.Status409Conflict),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "A success is not a problem."),
    };

    public static IResult NotFound(string message) => Results.Problem(message, statusCode: StatusCodes.Status404NotFound);
}
