"""The course media library: sanitised images, content-addressed storage, figures in lessons."""
