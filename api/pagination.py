from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=2`, `?page_size=` up to 500; `count`, `next` and `previous` come with each page."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
