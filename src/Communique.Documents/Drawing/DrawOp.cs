namespace Communique.Documents.Drawing;

// One thing drawn on a page. Coordinates are points from the page's top-left corner, y growing downwards.
public abstract record DrawOp;
