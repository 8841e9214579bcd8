SELECT customer_id,
       count(*)   AS orders,
       sum(total) AS revenue
FROM read_csv_auto('orders.csv')
GROUP BY customer_id
ORDER BY revenue DESC;
