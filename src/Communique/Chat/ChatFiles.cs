using Communique.Assets.Storage;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Communique.Chat;

// Files in conversations, both ways: an agent's to the user, the user's (from a page) to the agent. Uploaded as
// multipart/form-data (an optional text field, then the file), streamed to the blob store within
// Chat:MaxAttachmentBytes, sent as a message that names the file; downloaded until Chat:AttachmentLifetime has passed
// (410 after), always as a download, never shown inline by the browser.
public static class ChatFiles
{
    public static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpRequest request, AppDb db, IBlobStore blobs, ChatRuntime runtime, Conversation conversation,
        ChatSender sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(conversation);
        var max = runtime.Options.MaxAttachmentBytes;
        var (part, failure) = await MultipartUpload.FirstFileAsync(request, max, cancellationToken,
            runtime.Options.MaxMessageChars);
        switch (failure)
        {
            case UploadFailure.TooLarge:
                return Problems.TooLarge(max);
            case UploadFailure.NotMultipart:
                return Problems.Invalid("file", "Send multipart/form-data: an optional text field, then the file.");
            case UploadFailure.NoFile:
                return Problems.Invalid("file", "The upload has no file part.");
            case UploadFailure.FileName:
                return Problems.Invalid("file", SingleLine.Refusal("file name"));
            case UploadFailure.FieldTooLong:
                return Problems.Invalid("text", $"A message is at most {runtime.Options.MaxMessageChars} characters.");
        }

        var name = Path.GetFileName(part!.FileName.Trim());
        if (name.Length is 0 or > 200)
        {
            return Problems.Invalid("file", "The file's name is 1 to 200 characters.");
        }

        var contentType = part.File.ContentType ?? "application/octet-stream";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || contentType.Length > 128)
        {
            return Problems.Invalid("file", "The file's content type is a media type such as application/pdf.");
        }

        var put = await blobs.PutAsync(part.File.Body, max, cancellationToken);
        if (put is not BlobPutResult.Stored stored)
        {
            return Problems.TooLarge(max);
        }

        var now = db.Now;
        var attachment = new ChatAttachment
        {
            TeamId = conversation.TeamId,
            ConversationId = conversation.Id,
            Name = name,
            ContentType = mediaType.MediaType.ToString(),
            Size = stored.Length,
            BlobHash = stored.Hash,
            CreatedAt = now,
            ExpiresAt = now + runtime.Options.AttachmentLifetime,
        };
        db.ChatAttachments.Add(attachment);
        db.BlobReferences.Add(new BlobReference
        {
            Hash = stored.Hash, Holder = BlobHolder.ChatAttachment, HolderId = attachment.Id,
        });
        var turn = await runtime.OpenAsync(db, conversation, cancellationToken);
        var text = part.Fields.GetValueOrDefault("text") is { Length: > 0 } given ? given : null;
        turn.Say(sender, text, new MessageExtras(null, null, null, null, null,
            new AttachmentView(attachment.Id, name, attachment.ContentType, attachment.Size, attachment.ExpiresAt)),
            sender == ChatSender.Agent ? conversation.AgentId : null);
        turn.Save();
        return await runtime.SaveAsync(db, turn, cancellationToken)
            ? TypedResults.Ok(ChatApi.Response(turn))
            : ChatApi.Conflict();
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        AppDb db, IBlobStore blobs, Guid conversationId, Guid attachmentId, HttpResponse response,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(response);
        var attachment = await db.ChatAttachments.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == attachmentId && a.ConversationId == conversationId, cancellationToken);
        if (attachment is null)
        {
            return Problems.NotFound("Attachment");
        }

        if (attachment.Released || attachment.ExpiresAt <= db.Now
            || await blobs.OpenReadAsync(attachment.BlobHash, cancellationToken) is not { } content)
        {
            return TypedResults.Problem("The attachment was kept for a day after it was sent and is gone.",
                statusCode: 410, title: "Gone", type: ProblemTypes.Expired);
        }

        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(content, attachment.ContentType, attachment.Name);
    }

    // Lets the expired attachments' blobs go (the blob sweep deletes what nothing holds). The attachments released.
    public static async Task<int> ReleaseExpiredAsync(AppDb db, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var expired = await db.ChatAttachments.IgnoreQueryFilters()
            .Where(a => !a.Released && a.ExpiresAt <= now).Select(a => a.Id).Take(1000)
            .ToListAsync(cancellationToken);
        if (expired.Count == 0)
        {
            return 0;
        }

        await db.BlobReferences.Where(r => r.Holder == BlobHolder.ChatAttachment && expired.Contains(r.HolderId))
            .ExecuteDeleteAsync(cancellationToken);
        return await db.ChatAttachments.IgnoreQueryFilters().Where(a => expired.Contains(a.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Released, true), cancellationToken);
    }

}
