"""Views of the graph for people: compound cards and neighbourhood diagrams, from documented view queries."""
