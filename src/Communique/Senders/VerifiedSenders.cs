using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Senders;

public static class VerifiedSenders
{
    // Only a verified sender address of the team may send, matched exactly (case included).
    public static async Task<ProblemHttpResult?> RefusalAsync(
        AppDb db, string sender, CancellationToken cancellationToken) =>
        await db.Senders.AnyAsync(s => s.Address == sender && s.VerifiedAt != null, cancellationToken)
            ? null
            : TypedResults.Problem(
                $"'{sender}' is not a verified sender address of the team (the match is exact, case included). "
                + "Add it under /senders and confirm it first.",
                statusCode: 403, title: "Sender not verified", type: ProblemTypes.SenderNotVerified);
}
