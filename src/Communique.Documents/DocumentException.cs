namespace Communique.Documents;

// A document that cannot be made as written: a block that can never fit its page, a character no font has, an image
// that is not one. The message names what is wrong, for the person who wrote the template.
public sealed class DocumentException(string message) : Exception(message);
