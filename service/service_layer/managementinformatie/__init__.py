"""The annual figures of a ZVH (issue 23): facts per casus read inside the service, tables of counts out."""
